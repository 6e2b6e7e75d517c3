// letterpress live reload: preview pages only, never part of a built email. On each rebuild the
// server sends an event; the page fetches itself again and swaps the parts marked data-live, and
// reloads the email frame only when that email's content changed. Hidden tabs disconnect, so
// many open tabs never use up the browser's connections to the server.
(() => {
  let version = document.body.dataset.version, seq = 0, source = null;
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
    const frame = document.getElementById('email'), next = doc.getElementById('email');
    if (frame && next && frame.getAttribute('src') !== next.getAttribute('src')) frame.src = next.getAttribute('src');
    document.dispatchEvent(new Event('letterpress:update'));
  };
  const connect = () => { source = new EventSource('/_events'); source.onmessage = update; };
  document.addEventListener('visibilitychange', () => {
    if (document.hidden && source) { source.close(); source = null; } else if (!document.hidden && !source) connect();
  });
  connect();
})();
