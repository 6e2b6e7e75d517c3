// Writes data/mjml-attributes.json: every MJML 4 component's allowedAttributes (attribute ->
// MJML type string such as "unit(px,%){1,4}", "color", "enum(left,right)"), as MJML's own
// validator (mjml-validator rules validAttributes/validTypes) uses them.
//
//   cd "$(mktemp -d)" && npm init -y && npm install mjml@4.18.0
//   node /path/to/letterpress/scripts/mjml-attributes.js > /path/to/letterpress/data/mjml-attributes.json
//
// Byte-identical on rerun (keys sorted).
const { createRequire } = require('module')
const req = createRequire(process.cwd() + '/')
const presetCore = req('mjml-preset-core')
const version = req('mjml/package.json').version
const components = {}
for (const c of presetCore.components) {
  const name = c.componentName || c.name
  const attrs = c.allowedAttributes || {}
  const sorted = {}
  for (const k of Object.keys(attrs).sort()) sorted[k] = attrs[k]
  components[name] = sorted
}
// mj-head children and mj-all are structural (validated by mrml's parser or free-form).
const out = {
  source: `mjml ${version} (npm), components' allowedAttributes`,
  licence: 'MIT, (c) Mailjet / MJML contributors',
  global: ['css-class', 'mj-class'],
  components: Object.fromEntries(Object.keys(components).sort().map(k => [k, components[k]])),
}
const lines = ['{']
lines.push(`"source":${JSON.stringify(out.source)},`)
lines.push(`"licence":${JSON.stringify(out.licence)},`)
lines.push(`"global":${JSON.stringify(out.global)},`)
lines.push('"components":{')
const names = Object.keys(out.components)
names.forEach((n, i) => lines.push(`${JSON.stringify(n)}:${JSON.stringify(out.components[n])}${i + 1 < names.length ? ',' : ''}`))
lines.push('}}')
process.stdout.write(lines.join('\n') + '\n')
