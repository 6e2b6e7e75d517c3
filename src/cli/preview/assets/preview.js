// letterpress preview page controls: tabs, colour scheme, width presets, copy buttons, frame
// height, findings panel, index filter. Preview pages only: never part of a built email.
(() => {
  const body = document.body;
  const store = {
    get: (key, fallback) => { try { return localStorage.getItem('letterpress-' + key) || fallback; } catch (e) { return fallback; } },
    set: (key, value) => { try { localStorage.setItem('letterpress-' + key, value); } catch (e) { /* private mode */ } },
  };
  if (body.dataset.tab) body.dataset.tab = store.get('tab', 'preview');
  for (const b of document.querySelectorAll('button[data-tab]')) {
    b.onclick = () => { body.dataset.tab = b.dataset.tab; store.set('tab', b.dataset.tab); };
  }
  document.addEventListener('keydown', (e) => {
    if (e.altKey || e.ctrlKey || e.metaKey || e.target.matches('input, select, textarea')) return;
    const link = document.querySelector({ ArrowLeft: 'a[rel=prev]', ArrowRight: 'a[rel=next]' }[e.key] || 'none');
    if (link) location.href = link.href;
  });
  // The findings panel keeps the reader's open/closed choice across live updates (live.js).
  document.addEventListener('click', (e) => {
    const summary = e.target.closest && e.target.closest('details[data-live] > summary');
    if (summary) summary.parentElement.dataset.toggled = '';
  });

  const wrap = document.getElementById('frame-wrap'), frame = document.getElementById('email');
  if (wrap && frame) {
    const label = document.getElementById('width');
    const presets = document.querySelectorAll('button[data-width]');
    const fit = () => {
      try { frame.style.height = Math.max(200, frame.contentDocument.body.scrollHeight + 24) + 'px'; } catch (e) { /* not loaded */ }
    };
    const setWidth = (w) => { wrap.style.width = (Number(w) + 2) + 'px'; /* + borders */ store.set('width', w); };
    const showWidth = () => {
      const width = wrap.clientWidth; // 0 while another tab hides the frame: keep the last label
      if (!width) return;
      label.textContent = width + ' px';
      for (const b of presets) {
        const on = Number(b.dataset.width) === width;
        b.classList.toggle('on', on);
        b.setAttribute('aria-pressed', on);
      }
    };
    for (const b of presets) b.onclick = () => setWidth(b.dataset.width);
    setWidth(store.get('width', 800));
    new ResizeObserver(() => { showWidth(); fit(); }).observe(wrap);

    // Colour schemes. Dark: the frame's color-scheme becomes dark, so the email's own
    // @media (prefers-color-scheme: dark) rules apply, as in clients that follow the reader's
    // setting; where a browser does not pass that into frames, the email's dark rules are copied
    // in. Forced inversion: an approximation of clients that recolour emails themselves (Gmail
    // apps, Outlook for Windows): every colour inverted, hue kept, images left as they are.
    const INVERT = 'html { background: #fff; filter: invert(1) hue-rotate(180deg); }\n' +
      'img, picture, video, [background], [style*="background-image"], [style*="url("] { filter: invert(1) hue-rotate(180deg); }';
    const darkRules = (doc) => {
      const rules = [];
      for (const sheet of doc.styleSheets) {
        let list;
        try { list = sheet.cssRules; } catch (e) { continue; /* another origin's stylesheet */ }
        for (const rule of list) {
          if (rule.conditionText && /prefers-color-scheme\s*:\s*dark/.test(rule.conditionText)) {
            for (const inner of rule.cssRules) rules.push(inner.cssText);
          }
        }
      }
      return rules.join('\n');
    };
    const applyScheme = () => {
      const scheme = body.dataset.scheme;
      for (const b of document.querySelectorAll('button[data-scheme]')) {
        b.classList.toggle('on', b.dataset.scheme === scheme);
        b.setAttribute('aria-pressed', b.dataset.scheme === scheme);
      }
      frame.style.colorScheme = scheme === 'dark' ? 'dark' : 'light';
      let doc;
      try { doc = frame.contentDocument; } catch (e) { return; }
      if (!doc || !doc.head) return;
      const put = (id, css) => {
        let el = doc.getElementById(id);
        if (!css) { if (el) el.remove(); return; }
        if (!el) { el = doc.createElement('style'); el.id = id; doc.head.appendChild(el); }
        el.textContent = css;
      };
      put('letterpress-invert', scheme === 'inverted' ? INVERT : '');
      getComputedStyle(frame).colorScheme; // flush styles so the frame sees its new scheme
      const native = frame.contentWindow.matchMedia('(prefers-color-scheme: dark)').matches;
      put('letterpress-dark', scheme === 'dark' && !native ? darkRules(doc) : '');
      body.dataset.schemeApplied = scheme;
    };
    body.dataset.scheme = store.get('scheme', 'light');
    for (const b of document.querySelectorAll('button[data-scheme]')) {
      b.onclick = () => { body.dataset.scheme = b.dataset.scheme; store.set('scheme', b.dataset.scheme); applyScheme(); };
    }
    frame.addEventListener('load', () => { applyScheme(); fit(); });
    applyScheme();
  }

  for (const b of document.querySelectorAll('button[data-copy]')) {
    b.onclick = async () => {
      const text = document.getElementById(b.dataset.copy).textContent;
      let ok = false;
      try {
        await navigator.clipboard.writeText(text); // localhost only: a secure context
        ok = true;
      } catch (e) {
        const area = document.createElement('textarea');
        area.value = text;
        area.style.cssText = 'position:fixed;opacity:0';
        document.body.appendChild(area);
        area.select();
        try { ok = document.execCommand('copy'); } catch (e2) { ok = false; }
        area.remove();
      }
      const note = document.getElementById('copied');
      note.textContent = ok ? 'Copied ' + text.length.toLocaleString('en') + ' characters' : 'Could not copy: select the text and copy it yourself';
      setTimeout(() => { note.textContent = ''; }, 3000);
    };
  }

  const filter = document.getElementById('filter'), locale = document.getElementById('locale-filter');
  if (filter && locale) {
    const apply = () => {
      const q = filter.value.trim().toLowerCase();
      for (const row of document.querySelectorAll('tr[data-name]')) {
        row.hidden = !row.dataset.name.toLowerCase().includes(q) || (locale.value !== '' && row.dataset.locale !== locale.value);
      }
    };
    filter.oninput = apply;
    locale.onchange = apply;
    document.addEventListener('letterpress:update', apply);
  }
})();
