// Turns the Kubernetes OpenAPI (swagger 2.0) document and CRD manifests into the standalone, strict JSON schemas
// kubeconform reads, one file per kind in its layout: `{kind}-{group's first label}-{version}.json`, lower case
// (`deployment-apps-v1.json`, `service-v1.json`, `scaledobject-keda-v1alpha1.json`). What the shipped files came
// from, and how to run this: README.md beside this file; generate.sh fetches the inputs and calls it.
//
//   node generate.mjs --swagger swagger.json --crd a.yaml [--crd b.yaml ...] --out DIR KIND/GROUP/VERSION ...
//
// It does what kubeconform's openapi2jsonschema does with --expanded --kubernetes --stand-alone --strict:
// - every $ref is inlined (stand-alone: no file refers to another);
// - every object that lists its properties gets `additionalProperties: false` (strict: an unknown or misspelt
//   field is an error, as `kubectl apply --validate=strict` would make it), except where the API keeps unknown
//   fields (x-kubernetes-preserve-unknown-fields) or declares its own additionalProperties;
// - int-or-string becomes `oneOf: [string, integer]`, and a resource Quantity `oneOf: [string, number]` (the API
//   server takes `cpu: 1` as well as `cpu: "1"`);
// - apiVersion and kind are pinned to the kind's own values;
// and, to keep the files small, drops every description and x-kubernetes-* annotation. A CRD's `metadata` (an open
// object in the CRD) is replaced by the Kubernetes ObjectMeta schema, so labels and annotations are checked too.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const YAML = require('yaml');

function parseArgs(argv) {
  const options = { swagger: null, crds: [], out: null, kinds: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--swagger') options.swagger = argv[++i];
    else if (arg === '--crd') options.crds.push(argv[++i]);
    else if (arg === '--out') options.out = argv[++i];
    else options.kinds.push(arg);
  }
  if (!options.swagger || !options.out || options.kinds.length === 0) {
    throw new Error('usage: generate.mjs --swagger FILE [--crd FILE ...] --out DIR KIND/GROUP/VERSION ...');
  }
  return options;
}

const INT_OR_STRING = () => ({ oneOf: [{ type: 'string' }, { type: 'integer' }] });
const QUANTITY = () => ({ oneOf: [{ type: 'string' }, { type: 'number' }] });

/** Inlines the swagger definition `name`, recursively; a definition that contains itself becomes `{}`. */
function expand(definitions, name, stack = []) {
  if (name === 'io.k8s.apimachinery.pkg.util.intstr.IntOrString') return INT_OR_STRING();
  if (name === 'io.k8s.apimachinery.pkg.api.resource.Quantity') return QUANTITY();
  if (stack.includes(name)) return {};
  const definition = definitions[name];
  if (!definition) throw new Error(`unknown definition ${name}`);
  return resolveRefs(definitions, structuredClone(definition), [...stack, name]);
}

function resolveRefs(definitions, node, stack) {
  if (Array.isArray(node)) return node.map((item) => resolveRefs(definitions, item, stack));
  if (node === null || typeof node !== 'object') return node;
  if (typeof node.$ref === 'string') {
    return expand(definitions, node.$ref.replace(/^#\/definitions\//, ''), stack);
  }
  const out = {};
  for (const [key, value] of Object.entries(node)) out[key] = resolveRefs(definitions, value, stack);
  return out;
}

/** Makes a schema strict and small (see the header), in place of the node; returns the new node. */
function tighten(node) {
  if (Array.isArray(node)) return node.map(tighten);
  if (node === null || typeof node !== 'object') return node;
  if (node['x-kubernetes-int-or-string'] === true) return INT_OR_STRING();
  if (node.format === 'int-or-string') return INT_OR_STRING();
  const out = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'description' || key.startsWith('x-kubernetes-')) continue;
    // `properties` and `patternProperties` map names to schemas: recurse into each schema, not the map itself.
    if (
      (key === 'properties' || key === 'patternProperties' || key === 'definitions') &&
      value &&
      typeof value === 'object'
    ) {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, schema]) => [name, tighten(schema)]));
    } else {
      out[key] = tighten(value);
    }
  }
  if (node.nullable === true) {
    delete out.nullable;
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
  }
  const open = node['x-kubernetes-preserve-unknown-fields'] === true;
  if (out.properties && !open && out.additionalProperties === undefined) out.additionalProperties = false;
  return out;
}

function pinKind(schema, apiVersion, kind) {
  schema.properties ??= {};
  schema.properties.apiVersion = { type: 'string', enum: [apiVersion] };
  schema.properties.kind = { type: 'string', enum: [kind] };
  schema.required = [...new Set(['apiVersion', 'kind', ...(schema.required ?? [])])];
  return schema;
}

function fileName(kind, group, version) {
  const prefix = group === '' ? '' : `-${group.split('.')[0]}`;
  return `${kind}${prefix}-${version}.json`.toLowerCase();
}

function fromSwagger(definitions, kind, group, version) {
  const entry = Object.entries(definitions).find(([, definition]) =>
    (definition['x-kubernetes-group-version-kind'] ?? []).some(
      (gvk) => gvk.kind === kind && gvk.group === group && gvk.version === version,
    ),
  );
  if (!entry) return null;
  const apiVersion = group === '' ? version : `${group}/${version}`;
  return pinKind(tighten(expand(definitions, entry[0])), apiVersion, kind);
}

function fromCrds(crds, objectMeta, kind, group, version) {
  for (const crd of crds) {
    if (crd?.kind !== 'CustomResourceDefinition' || crd.spec?.group !== group || crd.spec?.names?.kind !== kind)
      continue;
    const served = (crd.spec.versions ?? []).find((v) => v.name === version);
    const raw = served?.schema?.openAPIV3Schema;
    if (!raw) continue;
    const schema = tighten(structuredClone(raw));
    schema.properties.metadata = objectMeta;
    return pinKind(schema, `${group}/${version}`, kind);
  }
  return null;
}

const options = parseArgs(process.argv.slice(2));
const definitions = JSON.parse(readFileSync(options.swagger, 'utf8')).definitions;
const objectMeta = tighten(expand(definitions, 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'));
const crds = options.crds.flatMap((file) => YAML.parseAllDocuments(readFileSync(file, 'utf8')).map((d) => d.toJS()));

mkdirSync(options.out, { recursive: true });
for (const spec of options.kinds) {
  const [kind, group, version] = spec.split('/');
  const schema = fromSwagger(definitions, kind, group, version) ?? fromCrds(crds, objectMeta, kind, group, version);
  if (!schema) throw new Error(`no schema for ${spec} in the inputs`);
  const file = join(options.out, fileName(kind, group, version));
  writeFileSync(file, `${JSON.stringify(schema, null, 2)}\n`);
  process.stdout.write(`wrote ${file}\n`);
}
