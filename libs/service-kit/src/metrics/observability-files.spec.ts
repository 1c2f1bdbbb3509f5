import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Topic } from '@cae/contracts';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { parse, parseAllDocuments } from 'yaml';
import { metricsRegistry, serviceMetrics } from './service-metrics';

/**
 * Keeps deploy/observability honest against service-metrics.ts: every metric and label its alert rules and
 * dashboard query exists, the PrometheusRule says what alert-rules.yaml says, and the README lists every metric.
 * PromQL is read with regexes, enough for the expressions of those files: selectors `name{label="value", ...}`,
 * `by`/`without` in front of (or after) their parenthesised argument, `on`/`ignoring`/`group_left` lists.
 */
const ROOT = join(__dirname, '..', '..', '..', '..');
const DIR = join(ROOT, 'deploy', 'observability');
const read = (...path: string[]): string => readFileSync(join(...path), 'utf8');

interface RuleFile {
  groups: { name: string; rules: Rule[] }[];
}
interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { type: string; uid: string };
  targets?: { expr?: string; datasource?: { type: string; uid: string } }[];
  panels?: Panel[];
}
interface Dashboard {
  schemaVersion: number;
  panels: Panel[];
  templating: { list: { name: string; type: string; query: string | { query: string } }[] };
}

const rules = parse(read(DIR, 'alert-rules.yaml')) as RuleFile;
const prometheusRule = parse(read(DIR, 'prometheus-rule.yaml')) as {
  apiVersion: string;
  kind: string;
  spec: RuleFile;
};
const dashboard = JSON.parse(read(DIR, 'grafana-dashboard.json')) as Dashboard;
const readme = read(DIR, 'README.md');

const allRules = rules.groups.flatMap((group) => group.rules);
const alerts = allRules.filter((rule) => rule.alert);
const panels = dashboard.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]).filter((p) => p.type !== 'row');
const dashboardExprs = [
  ...panels.flatMap((panel) => (panel.targets ?? []).map((target) => target.expr ?? '')),
  ...dashboard.templating.list
    .filter((variable) => variable.type === 'query')
    .map((variable) => (typeof variable.query === 'string' ? variable.query : variable.query.query)),
];
const ruleExprs = allRules.map((rule) => rule.expr);

// ---- What exists: the services' metrics, prom-client's default ones, and Prometheus' own `up`.

interface Known {
  type: string;
  labelNames: readonly string[];
}
type Described = { name: string; type: string; labelNames?: readonly string[] };

function describeRegistry(registry: Registry): Map<string, Known> {
  const metrics = registry.getMetricsAsArray() as unknown as Described[];
  return new Map(metrics.map((m) => [m.name, { type: m.type, labelNames: m.labelNames ?? [] }]));
}

const defaults = new Registry();
collectDefaultMetrics({ register: defaults });
const ours = describeRegistry(metricsRegistry);
const known = new Map([...ours, ...describeRegistry(defaults), ['up', { type: 'gauge', labelNames: [] }]]);

/** Labels every series has, or may have, from the process (service) or the scrape (the rest). */
const COMMON_LABELS = ['service', 'instance', 'pod', 'job'];
/** The names of the files' metrics: ours, the default ones, and `up`. */
const METRIC_NAME = /\b(?:cae|process|nodejs)_[a-z0-9_]+\b|\bup\b(?=\s*[{=<>!)])/g;

/** The metric a name in an expression refers to (a histogram's _bucket, _count and _sum series included). */
function resolve(name: string): { metric: string; known: Known; labels: string[] } | undefined {
  const exact = known.get(name);
  if (exact) return { metric: name, known: exact, labels: [...exact.labelNames, ...COMMON_LABELS] };
  const suffix = /^(.*)_(bucket|count|sum)$/.exec(name);
  const base = suffix && known.get(suffix[1]);
  if (!suffix || !base || base.type !== 'histogram') return undefined;
  const le = suffix[2] === 'bucket' ? ['le'] : [];
  return { metric: suffix[1], known: base, labels: [...base.labelNames, ...COMMON_LABELS, ...le] };
}

function metricNames(expr: string): string[] {
  return expr.match(METRIC_NAME) ?? [];
}

/** The index of the parenthesis that closes the one at `open`. */
function closing(expr: string, open: number): number {
  let depth = 0;
  for (let i = open; i < expr.length; i++) {
    if (expr[i] === '(') depth++;
    if (expr[i] === ')' && --depth === 0) return i;
  }
  throw new Error(`unbalanced parentheses in ${expr}`);
}

/** The index of the parenthesis that opens the one at `close`. */
function opening(expr: string, close: number): number {
  let depth = 0;
  for (let i = close; i >= 0; i--) {
    if (expr[i] === ')') depth++;
    if (expr[i] === '(' && --depth === 0) return i;
  }
  throw new Error(`unbalanced parentheses in ${expr}`);
}

const labelList = (list: string): string[] =>
  list
    .split(',')
    .map((label) => label.trim())
    .filter(Boolean);

/** Everything wrong with one expression's metric names, selectors and groupings; empty when it is fine. */
function problems(expr: string): string[] {
  const found: string[] = [];
  for (const name of metricNames(expr)) {
    if (!resolve(name)) found.push(`unknown metric ${name}`);
  }

  // Selectors: every matcher must parse, name a label of the metric, and a topic must be one of ours.
  for (const selector of expr.matchAll(/\b((?:cae|process|nodejs)_[a-z0-9_]+|up)\s*\{([^}]*)\}/g)) {
    const [, name, body] = selector;
    const metric = resolve(name);
    if (!metric) continue;
    const matcher = /\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*(?:,|$)/y;
    let at = 0;
    while (at < body.length) {
      matcher.lastIndex = at;
      const match = matcher.exec(body);
      if (!match) {
        found.push(`cannot read the selector ${name}{${body}} from "${body.slice(at)}"`);
        break;
      }
      const [, label, op, value] = match;
      if (!metric.labels.includes(label)) found.push(`${name} has no label ${label}`);
      if (label === 'topic' && op === '=' && !Object.values<string>(Topic).includes(value)) {
        found.push(`${name}{topic="${value}"}: no such topic`);
      }
      at = matcher.lastIndex;
    }
  }

  // by (...) / without (...): every label must be one of every metric in the aggregated argument.
  for (const grouping of expr.matchAll(/\b(by|without)\s*\(([^)]*)\)/g)) {
    const start = grouping.index;
    const end = start + grouping[0].length;
    const after = /^\s*\(/.exec(expr.slice(end));
    let scope: string;
    if (after) {
      const open = end + after[0].length - 1;
      scope = expr.slice(open, closing(expr, open) + 1);
    } else {
      const close = expr.slice(0, start).trimEnd().length - 1;
      if (expr[close] !== ')') {
        found.push(`cannot tell what "${grouping[0]}" groups`);
        continue;
      }
      scope = expr.slice(opening(expr, close), close + 1);
    }
    const metrics = metricNames(scope)
      .map(resolve)
      .filter((m) => m !== undefined);
    if (metrics.length === 0) found.push(`"${grouping[0]}" groups no known metric`);
    for (const label of labelList(grouping[2])) {
      for (const metric of metrics) {
        if (!metric.labels.includes(label)) found.push(`${grouping[0]}: ${metric.metric} has no label ${label}`);
      }
    }
  }

  // on (...) / ignoring (...) / group_left (...): labels of some metric of the expression.
  const everyLabel = new Set(
    metricNames(expr)
      .map(resolve)
      .flatMap((m) => m?.labels ?? []),
  );
  for (const matching of expr.matchAll(/\b(on|ignoring|group_left|group_right)\s*\(([^)]*)\)/g)) {
    for (const label of labelList(matching[2])) {
      if (!everyLabel.has(label)) found.push(`${matching[0]}: no metric of the expression has ${label}`);
    }
  }
  return found;
}

/** A Markdown heading's anchor, as GitHub makes it. */
const anchor = (heading: string): string =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9 -]/g, '')
    .replace(/ /g, '-');

const mebibytes = (quantity: string): number => {
  const match = /^(\d+)(Mi|Gi)$/.exec(quantity);
  if (!match) throw new Error(`unexpected memory quantity ${quantity}`);
  return Number(match[1]) * (match[2] === 'Gi' ? 1024 : 1);
};

describe('deploy/observability', () => {
  describe('the PromQL checks', () => {
    it('accept what exists and catch an unknown metric, label, topic or grouping', () => {
      expect(problems('sum by (le, status) (rate(cae_job_duration_seconds_bucket{status="done"}[5m]))')).toEqual([]);
      expect(problems('sum(rate(cae_job_duration_seconds_count[5m])) by (status)')).toEqual([]);
      expect(problems('rate(process_cpu_seconds_total{service=~"query"}[1m])')).toEqual([]);
      expect(problems('cae_records_red_total')).toEqual(['unknown metric cae_records_red_total']);
      expect(problems('cae_jobs_ended_total{code="X"}')).toEqual(['cae_jobs_ended_total has no label code']);
      expect(problems('cae_jobs_ended_total{status="failed",le="1"}')).toEqual([
        'cae_jobs_ended_total has no label le',
      ]);
      expect(problems('cae_kafka_consumer_lag{topic="contactactivityexport.record.v1"}')).toEqual([
        'cae_kafka_consumer_lag{topic="contactactivityexport.record.v1"}: no such topic',
      ]);
      expect(problems('sum by (topic) (max by (topic, stage) (cae_kafka_consumer_lag))')).toEqual([
        'by (topic, stage): cae_kafka_consumer_lag has no label stage',
      ]);
      expect(problems('sum(cae_retries_total) by (work)')).toEqual(['by (work): cae_retries_total has no label work']);
      expect(problems('cae_retries_total and on (code) cae_records_read_total')).toEqual([
        'on (code): no metric of the expression has code',
      ]);
      expect(problems('cae_retries_total{stage="a" "b"}')).toHaveLength(1);
    });
  });

  describe('alert-rules.yaml', () => {
    it('has the alerts of the README, each with for, severity, summary, description and runbook', () => {
      expect(alerts.map((rule) => rule.alert).sort()).toEqual(
        [
          'ConsumerLagGrowing',
          'DeadLettersNotEmpty',
          'DeliveryFailuresHigh',
          'ExportPipelineStalled',
          'JobFailuresHigh',
          'LeaseTakeoversFrequent',
          'MemoryNearLimit',
          'ServiceDown',
        ].sort(),
      );
      const headings = new Set([...readme.matchAll(/^#{2,4} (.+)$/gm)].map((m) => anchor(m[1])));
      for (const rule of alerts) {
        const what = `${rule.alert}`;
        expect([what, rule.for]).toEqual([what, expect.stringMatching(/^\d+[smh]$/)]);
        expect([what, rule.labels?.severity]).toEqual([what, expect.stringMatching(/^(warning|critical)$/)]);
        expect([what, rule.annotations?.summary]).toEqual([what, expect.any(String)]);
        expect([what, rule.annotations?.description]).toEqual([what, expect.any(String)]);
        const runbook = /^README\.md#([a-z0-9-]+):/.exec(rule.annotations?.runbook ?? '');
        expect([what, runbook?.[1] && headings.has(runbook[1])]).toEqual([what, true]);
      }
    });

    it('uses only metrics, labels and topics that exist', () => {
      const found = allRules.flatMap((rule) => problems(rule.expr).map((p) => `${rule.alert ?? rule.record}: ${p}`));
      const inText = alerts.flatMap((rule) =>
        Object.values(rule.annotations ?? {}).flatMap((text) =>
          metricNames(text)
            .filter((name) => !resolve(name))
            .map((name) => `${rule.alert}: annotations name ${name}`),
        ),
      );
      expect([...found, ...inText]).toEqual([]);
    });

    it('selects one scrape job, the one the README and pod-monitor.yaml set up', () => {
      const jobs = new Set(ruleExprs.flatMap((expr) => [...expr.matchAll(/\bjob="([^"]+)"/g)].map((m) => m[1])));
      expect([...jobs]).toEqual(['contactactivityexport']);
      expect(readme).toContain('job_name: contactactivityexport');
      const podMonitor = parse(read(DIR, 'pod-monitor.yaml')) as {
        spec: { jobLabel: string; selector: { matchLabels: Record<string, string> } };
      };
      expect(podMonitor.spec.selector.matchLabels[podMonitor.spec.jobLabel]).toBe('contactactivityexport');
    });

    it("warns at 90% of every service's memory limit in deploy/k8s", () => {
      const rule = alerts.find((r) => r.alert === 'MemoryNearLimit');
      const thresholds = new Map(
        [
          ...(rule?.expr ?? '').matchAll(
            /process_resident_memory_bytes\{[^}]*\bservice="([a-z-]+)"[^}]*\}\s*>\s*0\.9\s*\*\s*(\d+)\s*\*\s*1024\s*\*\s*1024/g,
          ),
        ].map((m) => [m[1], Number(m[2])]),
      );
      const services = ['api-gateway', 'query', 'writer', 'delivery', 'jobs'];
      expect([...thresholds.keys()].sort()).toEqual([...services].sort());
      const manifests = [
        ...services.map((service) => join(ROOT, 'deploy', 'k8s', 'base', `${service}.yaml`)),
        join(ROOT, 'deploy', 'k8s', 'overlays', 'prod', 'resources.yaml'),
      ];
      const limits: string[] = [];
      for (const file of manifests) {
        for (const doc of parseAllDocuments(read(file))) {
          const resource = doc.toJS() as {
            kind?: string;
            spec?: {
              template: { spec: { containers: { name: string; resources?: { limits?: { memory?: string } } }[] } };
            };
          };
          if (resource?.kind !== 'Deployment') continue;
          for (const container of resource.spec?.template.spec.containers ?? []) {
            const memory = container.resources?.limits?.memory;
            if (!memory) continue;
            limits.push(container.name);
            expect([file, container.name, mebibytes(memory)]).toEqual([
              file,
              container.name,
              thresholds.get(container.name),
            ]);
          }
        }
      }
      expect(new Set(limits)).toEqual(new Set(services));
    });
  });

  describe('prometheus-rule.yaml', () => {
    it('is a PrometheusRule with the groups of alert-rules.yaml', () => {
      expect(prometheusRule.apiVersion).toBe('monitoring.coreos.com/v1');
      expect(prometheusRule.kind).toBe('PrometheusRule');
      expect(prometheusRule.spec.groups).toEqual(rules.groups);
    });
  });

  describe('grafana-dashboard.json', () => {
    it('queries the templated data source from every panel, each with an expression', () => {
      expect(dashboard.schemaVersion).toBe(39);
      expect(dashboard.templating.list.find((v) => v.name === 'datasource')).toMatchObject({
        type: 'datasource',
        query: 'prometheus',
      });
      expect(panels.length).toBeGreaterThan(0);
      expect(new Set(dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]).map((p) => p.id)).size).toBe(
        dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]).length,
      );
      const wrong = panels.filter(
        (panel) =>
          panel.datasource?.uid !== '${datasource}' ||
          !(panel.targets ?? []).some((target) => target.expr?.trim()) ||
          (panel.targets ?? []).some((target) => target.datasource && target.datasource.uid !== '${datasource}'),
      );
      expect(wrong.map((panel) => panel.title)).toEqual([]);
    });

    it('uses only metrics, labels and topics that exist, and charts every metric of the services', () => {
      expect(dashboardExprs.flatMap((expr) => problems(expr).map((p) => `${expr}: ${p}`))).toEqual([]);
      const charted = new Set(
        dashboardExprs
          .flatMap(metricNames)
          .map(resolve)
          .map((m) => m?.metric),
      );
      expect([...ours.keys()].filter((name) => !charted.has(name))).toEqual([]);
    });
  });

  describe('README.md', () => {
    it('has a row for every metric of the services, with its type and labels', () => {
      const metrics = Object.values(serviceMetrics).map((metric) => (metric as unknown as { name: string }).name);
      expect(metrics.sort()).toEqual([...ours.keys()].sort());
      const missing = [...ours].filter(([name, { type, labelNames }]) => {
        const row = readme.split('\n').find((line) => line.startsWith(`| \`${name}\` |`));
        const cells = row?.split('|').map((cell) => cell.trim());
        return (
          !cells ||
          cells[2] !== type ||
          cells[3] !== ['service', ...labelNames].map((label) => `\`${label}\``).join(', ')
        );
      });
      expect(missing.map(([name]) => name)).toEqual([]);
    });
  });
});
