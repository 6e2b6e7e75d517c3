// letterpress preview: syntax colouring of the HTML source tab and of project files, with the
// vendored highlight.js (BSD-3-Clause). Preview pages only; runs again after each live update.
import hljs from '/_assets/vendor/highlight/core.min.js';
import xml from '/_assets/vendor/highlight/xml.min.js';
import yaml from '/_assets/vendor/highlight/yaml.min.js';
import django from '/_assets/vendor/highlight/django.min.js';

hljs.registerLanguage('xml', xml);
hljs.registerLanguage('yaml', yaml);
hljs.registerLanguage('django', django);

const colour = (text, language) => hljs.highlight(text, { language, ignoreIllegals: true }).value;

// Splits highlighted HTML into lines, closing the spans open at each line end and reopening
// them on the next line (a comment or string may span lines).
const lines = (html) => {
  const out = [], open = [];
  let line = '';
  for (const [token] of html.matchAll(/<span[^>]*>|<\/span>|\n|[^<\n]+/g)) {
    if (token === '\n') {
      out.push(line + '</span>'.repeat(open.length));
      line = open.join('');
    } else {
      if (token.startsWith('<span')) open.push(token);
      else if (token === '</span>') open.pop();
      line += token;
    }
  }
  out.push(line);
  return out;
};

const run = () => {
  for (const pre of document.querySelectorAll('pre[data-lang]:not([data-coloured])')) {
    const language = pre.dataset.lang;
    if (!hljs.getLanguage(language)) continue;
    const rows = pre.querySelectorAll('.line > code');
    if (rows.length) {
      const coloured = lines(colour(Array.from(rows, (c) => c.textContent).join('\n'), language));
      rows.forEach((code, i) => { code.innerHTML = coloured[i] ?? code.innerHTML; });
    } else {
      const code = pre.querySelector('code') || pre;
      code.innerHTML = colour(code.textContent, language);
    }
    pre.dataset.coloured = '';
  }
};

run();
document.addEventListener('letterpress:update', run);
