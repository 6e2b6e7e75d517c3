// letterpress preview page controls: tabs, width presets, frame height, index filter.
(() => {
  const body = document.body;
  if (body.dataset.tab) body.dataset.tab = localStorage.getItem('letterpress-tab') || 'preview';
  for (const b of document.querySelectorAll('button[data-tab]')) {
    b.onclick = () => { body.dataset.tab = b.dataset.tab; localStorage.setItem('letterpress-tab', b.dataset.tab); };
  }
  document.addEventListener('keydown', (e) => {
    if (e.altKey || e.ctrlKey || e.metaKey || e.target.matches('input, select, textarea')) return;
    const link = document.querySelector({ ArrowLeft: 'a[rel=prev]', ArrowRight: 'a[rel=next]' }[e.key] || 'none');
    if (link) location.href = link.href;
  });
  const wrap = document.getElementById('frame-wrap'), frame = document.getElementById('email');
  if (wrap && frame) {
    const label = document.getElementById('width');
    const fit = () => {
      try { frame.style.height = Math.max(200, frame.contentDocument.body.scrollHeight + 24) + 'px'; } catch (e) { /* not loaded */ }
    };
    const setWidth = (w) => { wrap.style.width = (Number(w) + 2) + 'px'; /* + borders */ localStorage.setItem('letterpress-width', w); };
    for (const b of document.querySelectorAll('button[data-width]')) b.onclick = () => setWidth(b.dataset.width);
    setWidth(localStorage.getItem('letterpress-width') || 800);
    new ResizeObserver(() => { label.textContent = frame.clientWidth + ' px'; fit(); }).observe(wrap);
    frame.addEventListener('load', fit);
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
