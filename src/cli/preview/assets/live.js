// letterpress live reload: preview pages only, never part of a built email. On each rebuild the
// server sends an event; the page fetches itself again and swaps the parts marked data-live, and
// reloads the email frame only when that email's content changed. Hidden tabs disconnect, so
// many open tabs never use up the browser's connections to the server.
(() => {
  let version = document.body.dataset.version, seq = 0, source = null;
  // The new email goes into the frame's document in place: navigating the frame cost about
  // 35 ms more in Chromium (a new document, then its parse) than fetching the HTML and
  // swapping the root element. No script of the email can run either way: the frame is
  // sandboxed without allow-scripts (and its HTML is served with script-src 'none'). A
  // synthetic load event lets preview.js re-apply the colour scheme and the frame's height,
  // again once the new images have loaded. The frame is navigated instead when it is not
  // showing a built email, while it is still navigating, and when only a local image changed
  // (the HTML is the same, and a swapped-in document would keep the old picture).
  let navigating = false;
  const frameOf = () => document.getElementById('email');
  if (frameOf()) frameOf().addEventListener('load', (e) => { if (e.isTrusted) navigating = false; });
  const navigate = (frame, src) => { navigating = true; delete frame.dataset.shown; frame.src = src; };
  const show = async (frame, next, mine) => {
    const src = next.getAttribute('src');
    const imagesChanged = frame.dataset.images !== next.dataset.images;
    frame.dataset.images = next.dataset.images;
    let doc = null;
    try { doc = frame.contentDocument; } catch (e) { /* not ours */ }
    if (navigating || imagesChanged || !doc || doc.readyState !== 'complete' ||
        !doc.documentElement || !new URL(doc.URL).pathname.startsWith('/raw/')) {
      navigate(frame, src);
      return;
    }
    try {
      const res = await fetch(src, { cache: 'no-store' });
      if (mine !== seq) return;
      if (!res.ok) { navigate(frame, src); return; }
      const fresh = new DOMParser().parseFromString(await res.text(), 'text/html');
      if (mine !== seq || navigating) return;
      doc.replaceChild(doc.importNode(fresh.documentElement, true), doc.documentElement);
      frame.dataset.shown = src; // only once shown: an abandoned swap leaves the next update to do it
      const loaded = () => frame.dispatchEvent(new Event('load'));
      loaded();
      const pending = Array.from(doc.images).filter((img) => !img.complete)
        .map((img) => new Promise((done) => {
          img.addEventListener('load', done, { once: true });
          img.addEventListener('error', done, { once: true });
        }));
      if (pending.length) Promise.all(pending).then(loaded);
    } catch (e) {
      navigate(frame, src);
    }
  };
  const update = async (event) => {
    if (event.data === version) return;
    const mine = ++seq;
    const res = await fetch(location.href, { cache: 'no-store' });
    if (mine !== seq) return;
    if (res.status === 404) {
      document.getElementById('overlay').innerHTML =
        '<div class="overlay-box"><h2>This email no longer exists</h2><p class="hint"><a href="/">All emails</a></p></div>';
    }
    if (!res.ok) return;
    const doc = new DOMParser().parseFromString(await res.text(), 'text/html');
    version = doc.body.dataset.version;
    // The email first: it is what the designer is watching. Its fetch runs while the page's
    // own parts are swapped. While the preview tab is shown (the source tab hidden), the update
    // event, which colours the HTML source again (tens of milliseconds for a large email), waits
    // until the new email has been painted; on any other tab it runs at once, so nothing is
    // ever painted uncoloured.
    const frame = frameOf(), next = doc.getElementById('email');
    const src = next && next.getAttribute('src');
    const showing = frame && src && (frame.dataset.shown || frame.getAttribute('src')) !== src
      ? show(frame, next, mine) : null;
    const later = showing && document.body.dataset.tab === 'preview';
    for (const el of document.querySelectorAll('[data-live]')) {
      const fresh = doc.getElementById(el.id);
      if (!fresh) continue;
      const node = document.importNode(fresh, true);
      if (el.tagName === 'DETAILS' && 'toggled' in el.dataset) {
        node.open = el.open; // the reader opened or closed it: keep that
        node.dataset.toggled = '';
      }
      el.replaceWith(node);
    }
    const updated = () => document.dispatchEvent(new Event('letterpress:update'));
    if (!later) updated();
    await showing;
    if (later) requestAnimationFrame(() => setTimeout(updated));
  };
  const connect = () => { source = new EventSource('/_events'); source.onmessage = update; };
  document.addEventListener('visibilitychange', () => {
    if (document.hidden && source) { source.close(); source = null; } else if (!document.hidden && !source) connect();
  });
  connect();
})();
