// The promises of deploy/k8s that a schema cannot check, over the manifests validate.sh rendered, and against the
// code they deploy: every name, port, variable, topic and consumer group is looked up in apps/ and libs/, so a
// rename there that the manifests miss fails here.
//
//   node check-manifests.mjs RENDERED_DIR SECRET_EXAMPLE
//
// RENDERED_DIR holds one file per kustomization (`<name>.yaml`, and `<name>-migrate.yaml` for an overlay's
// migration). Prints each problem and exits 1 if there is any.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(join(ROOT, 'package.json'));
const YAML = require('yaml');

const SERVICES = ['api-gateway', 'query', 'writer', 'delivery', 'jobs'];
const TARGETS = [...SERVICES, 'migrate']; // tools/runtime/start.ts
const IMAGE = 'contactactivityexport';
const UID = 10001; // deploy/images/Dockerfile: USER 10001:10001
/** Variables no env class declares that the manifests may still set: read by Node itself and its libraries. */
const RUNTIME_VARIABLES = new Set(['NODE_ENV', 'NODE_OPTIONS']);
/** DEPLOY_ENV values that mean development (libs/config/src/deploy-env.ts); no manifest here may use one. */
const DEVELOPMENT_NAMES = ['development', 'dev', 'local', 'test'];
/** KAFKA_SASL_MECHANISM (kafkajs' names) -> the `sasl` of KEDA's kafka scaler. */
const KEDA_SASL = { plain: 'plaintext', 'scram-sha-256': 'scram_sha256', 'scram-sha-512': 'scram_sha512' };

// ---- What the code says ----------------------------------------------------------------------------------------

function sourceFiles(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!['node_modules', 'dist', 'testing', 'bench'].includes(entry.name)) out.push(...sourceFiles(path));
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')) out.push(path);
  }
  return out;
}

const read = (path) => readFileSync(join(ROOT, path), 'utf8');
const product = (expression) => expression.split('*').reduce((acc, factor) => acc * Number(factor.trim()), 1);

function envClassFile(service) {
  const dir = `apps/${service}/src/config`;
  const file = readdirSync(join(ROOT, dir)).find((name) => name.endsWith('-env.ts') && !name.endsWith('.spec.ts'));
  if (!file) throw new Error(`no env class in ${dir}`);
  return `${dir}/${file}`;
}

function codeFacts() {
  const envFiles = ['libs/config/src/common-env.ts', ...SERVICES.map(envClassFile)];
  const declared = new Set(RUNTIME_VARIABLES);
  const property = /(?:^|[\s)])([A-Z][A-Z0-9_]+)\??:\s*(?:string|number|boolean|'[^']*')/gm;
  for (const file of envFiles) for (const match of read(file).matchAll(property)) declared.add(match[1]);
  const code = [...sourceFiles(join(ROOT, 'apps')), ...sourceFiles(join(ROOT, 'libs'))];
  const groups = new Set();
  for (const file of code) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/process\.env\.([A-Z][A-Z0-9_]+)/g)) declared.add(match[1]);
    for (const match of text.matchAll(/'(contactactivityexport-[a-z-]+)'/g)) groups.add(match[1]);
  }
  // Variables whose default only suits a laptop (@DevDefault, libs/config/src/deploy-env.ts), and those without a
  // default: required when deployed.
  const classes = new Map();
  for (const file of envFiles) {
    const text = read(file);
    for (const match of text.matchAll(/export class (\w+)(?:\s+extends\s+(\w+))?\s*\{([\s\S]*?)\n\}/g)) {
      const devDefaults = [...match[3].matchAll(/@DevDefault\(\)[\s\S]*?\b([A-Z][A-Z0-9_]+)\??:/g)].map((m) => m[1]);
      // And the variables with no default at all (`CREDENTIALS_KEY: string;`): required everywhere.
      for (const m of match[3].matchAll(/\b([A-Z][A-Z0-9_]+):\s*[\w'| ]+;/g)) devDefaults.push(m[1]);
      classes.set(match[1], { parent: match[2], devDefaults, file });
    }
  }
  const required = Object.fromEntries(
    SERVICES.map((service) => {
      const names = new Set();
      let name = [...classes.entries()].find(([, c]) => c.file === envClassFile(service))?.[0];
      while (name && classes.has(name)) {
        for (const variable of classes.get(name).devDefaults) names.add(variable);
        name = classes.get(name).parent;
      }
      return [service, names];
    }),
  );
  const ports = Object.fromEntries(
    SERVICES.map((service) => [service, Number(/\bPORT: number = (\d+)/.exec(read(envClassFile(service)))?.[1])]),
  );
  const topicSource = read('libs/contracts/src/topics/topic.ts');
  const topics = [...topicSource.matchAll(/^\s*(\w+) = '([^']+)'/gm)].map(([, key, name]) => ({ key, name }));
  const admin = read('libs/kafka/src/topic-admin.ts');
  const common = read('libs/config/src/common-env.ts');
  return {
    declared,
    required,
    groups,
    ports,
    topics: new Set(topics.map((topic) => topic.name)),
    deadLetter: topics.find((topic) => topic.key === 'DeadLetter')?.name,
    partitions: Number(/KAFKA_TOPIC_PARTITIONS: number = (\d+)/.exec(common)?.[1]),
    maxMessageBytes: product(/MAX_MESSAGE_BYTES = ([\d\s*]+);/.exec(admin)?.[1] ?? 'NaN'),
    retentionMs: product(/'retention\.ms', value: String\(([\d\s*]+)\)/.exec(admin)?.[1] ?? 'NaN'),
  };
}

// ---- Helpers ---------------------------------------------------------------------------------------------------

const MI = { Ki: 1 / 1024, Mi: 1, Gi: 1024 };
function mebibytes(quantity) {
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi)?$/.exec(String(quantity ?? ''));
  if (!match) return NaN;
  return Number(match[1]) * (match[2] ? MI[match[2]] : 1 / (1024 * 1024));
}

const matches = (selector, labels) =>
  Object.entries(selector ?? {}).every(([key, value]) => labels?.[key] === value) &&
  Object.keys(selector ?? {}).length > 0;

function envOf(container, configMaps) {
  const env = new Map();
  for (const source of container.envFrom ?? []) {
    const name = source.configMapRef?.name;
    if (name) for (const [key, value] of Object.entries(configMaps.get(name)?.data ?? {})) env.set(key, { value });
  }
  for (const variable of container.env ?? []) env.set(variable.name, variable);
  return env;
}

// ---- The checks ------------------------------------------------------------------------------------------------

function checkRender(name, docs, facts, secretKeys, problems) {
  const fail = (what, message) => problems.push(`${name}: ${what}: ${message}`);
  const byKind = (kind) => docs.filter((doc) => doc.kind === kind);
  const configMaps = new Map(byKind('ConfigMap').map((doc) => [doc.metadata.name, doc]));
  const deployments = byKind('Deployment');
  const topics = byKind('KafkaTopic');
  const kafkaUsers = new Map(byKind('KafkaUser').map((doc) => [doc.metadata.name, doc]));
  let kafkaClient; // the Kafka settings every service has, from the first Deployment (all must have the same)
  const scalers = [
    ...byKind('HorizontalPodAutoscaler').map((doc) => doc.spec.scaleTargetRef?.name),
    ...byKind('ScaledObject').map((doc) => doc.spec.scaleTargetRef?.name),
  ];

  if (name.startsWith('prod') && byKind('Secret').length > 0) fail('Secret', 'no Secret belongs in a prod render');

  for (const doc of docs) {
    for (const key of Object.keys(doc.data ?? {})) {
      if (doc.kind === 'ConfigMap' && !facts.declared.has(key))
        fail(`ConfigMap ${doc.metadata.name}`, `${key} is read by no service`);
    }
  }

  for (const workload of [...deployments, ...byKind('Job')]) {
    const what = `${workload.kind} ${workload.metadata.name}`;
    const pod = workload.spec.template.spec;
    const security = pod.securityContext ?? {};
    if (security.runAsNonRoot !== true) fail(what, 'runAsNonRoot must be true');
    if (security.runAsUser !== UID || security.runAsGroup !== UID) fail(what, `must run as ${UID}:${UID}`);
    if (security.seccompProfile?.type !== 'RuntimeDefault') fail(what, 'seccompProfile must be RuntimeDefault');
    if (pod.automountServiceAccountToken !== false) fail(what, 'automountServiceAccountToken must be false');
    const volumes = new Map((pod.volumes ?? []).map((volume) => [volume.name, volume]));
    if ((pod.containers ?? []).length !== 1) fail(what, 'one container expected');
    for (const container of pod.containers ?? []) {
      const c = `${what} container ${container.name}`;
      const cs = container.securityContext ?? {};
      if (cs.readOnlyRootFilesystem !== true) fail(c, 'readOnlyRootFilesystem must be true');
      if (cs.allowPrivilegeEscalation !== false) fail(c, 'allowPrivilegeEscalation must be false');
      if (!(cs.capabilities?.drop ?? []).includes('ALL')) fail(c, 'capabilities must drop ALL');
      const image = String(container.image ?? '');
      const [repository, tag] = image.split(/:(?=[^/]+$)/);
      if (repository.split('/').pop() !== IMAGE) fail(c, `image ${image} is not ${IMAGE}`);
      if (!tag || tag === 'latest') fail(c, `image ${image} needs a release tag`);
      if (container.command) fail(c, 'command overrides the image ENTRYPOINT: use args');
      const target = container.args?.[0];
      if (!TARGETS.includes(target) || container.args.length !== 1) fail(c, `args must be one of ${TARGETS.join('|')}`);
      const resources = container.resources ?? {};
      if (!resources.requests?.cpu || !resources.requests?.memory) fail(c, 'needs cpu and memory requests');
      const limit = mebibytes(resources.limits?.memory);
      if (!(limit > 0)) fail(c, 'needs a memory limit');
      if (mebibytes(resources.requests?.memory) > limit) fail(c, 'memory request above the limit');
      const env = envOf(container, configMaps);
      const heap = Number(/--max-old-space-size=(\d+)/.exec(env.get('NODE_OPTIONS')?.value ?? '')?.[1]);
      if (!(heap > 0)) fail(c, 'NODE_OPTIONS must set --max-old-space-size');
      else if (heap < 0.5 * limit || heap > 0.7 * limit)
        fail(c, `heap ${heap} MiB is not 50-70% of the ${limit} MiB limit`);
      for (const variable of container.env ?? []) {
        if (!facts.declared.has(variable.name)) fail(c, `${variable.name} is read by no service`);
        const ref = variable.valueFrom?.secretKeyRef;
        const kafkaUser =
          variable.name === 'KAFKA_SASL_PASSWORD' && ref?.key === 'password' && kafkaUsers.has(ref.name);
        if (ref && !kafkaUser && (ref.name !== 'cae-secrets' || !secretKeys.has(ref.key))) {
          fail(c, `${variable.name} refers to ${ref.name}/${ref.key}, not a key of cae-secrets (secret.example.yaml)`);
        }
      }
      if (!env.get('MONGODB_URI')?.valueFrom?.secretKeyRef) fail(c, 'MONGODB_URI must come from the Secret');
      const mounts = new Map((container.volumeMounts ?? []).map((mount) => [mount.mountPath, volumes.get(mount.name)]));
      if (!mounts.get('/tmp')?.emptyDir) fail(c, '/tmp must be an emptyDir (the root file system is read-only)');
      for (const [path, volume] of mounts) {
        if (volume?.emptyDir && !volume.emptyDir.sizeLimit) fail(c, `emptyDir at ${path} needs a sizeLimit`);
      }

      if (workload.kind !== 'Deployment') continue;
      const component = workload.metadata.labels?.['app.kubernetes.io/component'];
      if (target !== component) fail(c, `runs ${target} but is labelled ${component}`);
      const port = Number(env.get('PORT')?.value);
      if (port !== facts.ports[target]) fail(c, `PORT ${port} is not the service's own default ${facts.ports[target]}`);
      const http = (container.ports ?? []).find((p) => p.name === 'http');
      if (http?.containerPort !== port) fail(c, 'the http containerPort must be PORT');
      if (env.get('LISTEN_HOST')?.value !== '0.0.0.0') fail(c, 'LISTEN_HOST must be 0.0.0.0');
      // A pod is a deployment (NODE_ENV=production, DEPLOY_ENV not a development name): a variable whose default only
      // suits a laptop must be given, or the service refuses to start.
      if (env.get('NODE_ENV')?.value !== 'production') fail(c, 'NODE_ENV must be production');
      if (
        DEVELOPMENT_NAMES.includes(
          String(env.get('DEPLOY_ENV')?.value ?? '')
            .trim()
            .toLowerCase(),
        )
      ) {
        fail(c, 'DEPLOY_ENV must not name a development environment in a cluster');
      }
      for (const variable of facts.required[target] ?? []) {
        const given = env.get(variable);
        if (!given?.valueFrom && !given?.value)
          fail(c, `${variable} must be set: it has no default, or its default is a development value`);
      }
      for (const [probe, path] of [
        ['livenessProbe', '/health/live'],
        ['readinessProbe', '/health/ready'],
      ]) {
        const get = container[probe]?.httpGet;
        if (get?.path !== path || (get.port !== 'http' && get.port !== port))
          fail(c, `${probe} must GET ${path} on PORT`);
      }
      const annotations = workload.spec.template.metadata?.annotations ?? {};
      if (annotations['prometheus.io/scrape'] !== 'true' || annotations['prometheus.io/port'] !== String(port)) {
        fail(what, 'prometheus.io/scrape and prometheus.io/port (= PORT) annotations expected');
      }
      if (annotations['prometheus.io/path'] !== '/metrics') fail(what, 'prometheus.io/path must be /metrics');
      // Kafka security: all services alike; SASL needs a user, a password from a Secret and, with TLS, the CA mounted.
      const client = ['KAFKA_BROKERS', 'KAFKA_SSL', 'KAFKA_SSL_CA_FILE', 'KAFKA_SASL_MECHANISM', 'KAFKA_SASL_USERNAME']
        .map((key) => `${key}=${env.get(key)?.value ?? ''}`)
        .join(' ');
      kafkaClient ??= { client, env };
      if (client !== kafkaClient.client) fail(c, `Kafka settings differ from the other services' (${client})`);
      const mechanism = env.get('KAFKA_SASL_MECHANISM')?.value;
      if (mechanism) {
        const user = kafkaUsers.get(env.get('KAFKA_SASL_USERNAME')?.value);
        if (!env.get('KAFKA_SASL_PASSWORD')?.valueFrom?.secretKeyRef)
          fail(c, 'KAFKA_SASL_PASSWORD must come from a Secret');
        if (!user) fail(c, 'KAFKA_SASL_USERNAME must name a KafkaUser of this render');
        else if (user.spec.authentication?.type !== mechanism)
          fail(c, `the KafkaUser does not authenticate with ${mechanism}`);
        if (user && env.get('KAFKA_SASL_PASSWORD')?.valueFrom?.secretKeyRef?.name !== user.metadata.name) {
          fail(c, "KAFKA_SASL_PASSWORD must be the password of the KafkaUser's Secret");
        }
      }
      const ca = env.get('KAFKA_SSL_CA_FILE')?.value;
      if (ca && ![...mounts.keys()].some((path) => ca.startsWith(`${path}/`)))
        fail(c, `KAFKA_SSL_CA_FILE ${ca} is not mounted`);
      if (target === 'writer') {
        const dir = env.get('WRITER_TMP_DIR')?.value;
        const scratch = mounts.get(dir);
        if (!scratch?.emptyDir && !scratch?.ephemeral)
          fail(c, `WRITER_TMP_DIR (${dir}) must be a scratch volume's mount`);
      }
    }

    if (workload.kind !== 'Deployment') continue;
    if (!(pod.terminationGracePeriodSeconds >= 30)) fail(what, 'terminationGracePeriodSeconds must be 30 s or more');
    const labels = workload.spec.template.metadata?.labels;
    if (!matches(workload.spec.selector?.matchLabels, labels)) fail(what, 'selector does not match its pods');
    if (!byKind('PodDisruptionBudget').some((pdb) => matches(pdb.spec.selector?.matchLabels, labels))) {
      fail(what, 'no PodDisruptionBudget selects its pods');
    }
    const autoscaled = scalers.includes(workload.metadata.name);
    if (autoscaled && workload.spec.replicas !== undefined) fail(what, 'autoscaled: must not set replicas');
    if (!autoscaled && !(workload.spec.replicas >= 1)) fail(what, 'not autoscaled: needs replicas');
  }
  for (const target of scalers) {
    if (!deployments.some((d) => d.metadata.name === target))
      fail('autoscaler', `targets unknown Deployment ${target}`);
  }

  // Topics: exactly the code's, with the code's settings.
  const topicNames = new Set(topics.map((topic) => topic.spec.topicName ?? topic.metadata.name));
  if (topics.length > 0 || deployments.length > 0) {
    for (const topic of facts.topics) if (!topicNames.has(topic)) fail('KafkaTopic', `missing ${topic}`);
    for (const topic of topicNames)
      if (!facts.topics.has(topic)) fail('KafkaTopic', `${topic} is no topic of the code`);
  }
  const clusters = new Set(topics.map((topic) => topic.metadata.labels?.['strimzi.io/cluster']));
  for (const topic of topics) {
    const what = `KafkaTopic ${topic.metadata.name}`;
    const spec = topic.spec ?? {};
    const partitions = topic.metadata.name === facts.deadLetter ? 1 : facts.partitions;
    if (spec.partitions !== partitions) fail(what, `partitions must be ${partitions}`);
    if (Number(spec.config?.['max.message.bytes']) !== facts.maxMessageBytes)
      fail(what, `max.message.bytes must be ${facts.maxMessageBytes}`);
    if (Number(spec.config?.['retention.ms']) !== facts.retentionMs)
      fail(what, `retention.ms must be ${facts.retentionMs}`);
    const isr = Number(spec.config?.['min.insync.replicas']);
    if (isr !== Math.max(1, spec.replicas - 1)) fail(what, 'min.insync.replicas must be one fewer than the replicas');
    if (!topic.metadata.labels?.['strimzi.io/cluster']) fail(what, 'needs a strimzi.io/cluster label');
  }
  for (const user of kafkaUsers.values()) {
    const cluster = user.metadata.labels?.['strimzi.io/cluster'];
    if (!clusters.has(cluster))
      fail(`KafkaUser ${user.metadata.name}`, `cluster ${cluster} is not the topics' cluster`);
  }
  if (clusters.size > 1) fail('KafkaTopic', 'all topics must belong to one Strimzi cluster');

  // Kafka: the brokers are that cluster's bootstrap Service, in the topics' namespace, and KEDA reads the same.
  const config = configMaps.get([...configMaps.keys()].find((key) => key.startsWith('cae-config')));
  const brokers = config?.data?.KAFKA_BROKERS;
  if (config) {
    for (const [key, value] of [
      ['KAFKA_CREATE_TOPICS', 'false'],
      ['LISTEN_HOST', '0.0.0.0'],
    ]) {
      if (config.data[key] !== value) fail(`ConfigMap ${config.metadata.name}`, `${key} must be ${value}`);
    }
    const [host] = String(brokers).split(',')[0].split(':');
    const [service, namespace] = host.split('.');
    for (const cluster of clusters) {
      if (service !== `${cluster}-kafka-bootstrap`)
        fail('KAFKA_BROKERS', `${brokers} is not ${cluster}-kafka-bootstrap`);
    }
    const topicNamespace = topics[0]?.metadata.namespace;
    if (topicNamespace && namespace !== topicNamespace) {
      fail('KAFKA_BROKERS', `${brokers} is not in the topics' namespace ${topicNamespace}`);
    }
  }
  for (const scaled of byKind('ScaledObject')) {
    const what = `ScaledObject ${scaled.metadata.name}`;
    const kafka = (scaled.spec.triggers ?? []).filter((trigger) => trigger.type === 'kafka');
    if (kafka.length !== 1) fail(what, 'needs one kafka trigger');
    for (const trigger of kafka) {
      const { metadata } = trigger;
      if (metadata.bootstrapServers !== brokers)
        fail(what, `bootstrapServers ${metadata.bootstrapServers} is not KAFKA_BROKERS`);
      if (!String(metadata.bootstrapServers).split(',')[0].includes('.svc')) {
        fail(what, "bootstrapServers needs the Service's full name: KEDA resolves it from its own namespace");
      }
      if (!facts.groups.has(metadata.consumerGroup))
        fail(what, `${metadata.consumerGroup} is no consumer group of the code`);
      const topic = topics.find((t) => (t.spec.topicName ?? t.metadata.name) === metadata.topic);
      if (!topic) fail(what, `topic ${metadata.topic} is not a KafkaTopic here`);
      else if (scaled.spec.maxReplicaCount > topic.spec.partitions) fail(what, 'maxReplicaCount above the partitions');
      if (metadata.offsetResetPolicy !== 'earliest') fail(what, 'offsetResetPolicy must be earliest (fromBeginning)');
      // KEDA connects as the services do.
      const services = kafkaClient?.env;
      const mechanism = services?.get('KAFKA_SASL_MECHANISM')?.value;
      const wantSasl = mechanism ? KEDA_SASL[mechanism] : undefined;
      if ((metadata.sasl ?? undefined) !== wantSasl && !(wantSasl === undefined && metadata.sasl === 'none')) {
        fail(what, `sasl ${metadata.sasl} does not match the services' KAFKA_SASL_MECHANISM ${mechanism}`);
      }
      const wantTls = services?.get('KAFKA_SSL')?.value === 'true' ? 'enable' : 'disable';
      if ((metadata.tls ?? 'disable') !== wantTls) fail(what, `tls must be ${wantTls}, as the services' KAFKA_SSL`);
      if (wantSasl) {
        const auth = byKind('TriggerAuthentication').find(
          (doc) => doc.metadata.name === trigger.authenticationRef?.name,
        );
        const params = new Set(
          [...(auth?.spec.secretTargetRef ?? []), ...(auth?.spec.configMapTargetRef ?? [])].map((ref) => ref.parameter),
        );
        if (!auth) fail(what, 'a kafka trigger with SASL needs an authenticationRef to a TriggerAuthentication here');
        else if (!params.has('username') || !params.has('password'))
          fail(what, 'its TriggerAuthentication needs username and password');
      }
    }
    if (!(scaled.spec.minReplicaCount >= 1)) fail(what, 'minReplicaCount must be 1 or more');
  }

  // The Ingress: the gateway's Service, and the address PUBLIC_BASE_URL gives out.
  for (const ingress of byKind('Ingress')) {
    const what = `Ingress ${ingress.metadata.name}`;
    const hosts = (ingress.spec.rules ?? []).map((rule) => rule.host);
    const tlsHosts = (ingress.spec.tls ?? []).flatMap((tls) => tls.hosts ?? []);
    for (const host of hosts) if (!tlsHosts.includes(host)) fail(what, `${host} has no TLS`);
    const base = config?.data?.PUBLIC_BASE_URL;
    if (base && !hosts.includes(new URL(base).host)) fail(what, `PUBLIC_BASE_URL ${base} is not one of its hosts`);
    for (const path of (ingress.spec.rules ?? []).flatMap((rule) => rule.http?.paths ?? [])) {
      const backend = path.backend?.service;
      const service = byKind('Service').find((s) => s.metadata.name === backend?.name);
      if (!service || !(service.spec.ports ?? []).some((p) => p.name === backend.port?.name)) {
        fail(what, `path ${path.path} has no Service port ${backend?.name}:${backend?.port?.name}`);
      }
    }
  }
}

function images(docs) {
  return new Set(
    docs.flatMap((doc) => doc.spec?.template?.spec?.containers?.map((container) => container.image) ?? []),
  );
}

const [renderedDir, secretExample] = process.argv.slice(2);
if (!renderedDir || !secretExample) {
  process.stderr.write('usage: check-manifests.mjs RENDERED_DIR SECRET_EXAMPLE\n');
  process.exit(2);
}
const facts = codeFacts();
const secretKeys = new Set(Object.keys(YAML.parse(readFileSync(secretExample, 'utf8')).stringData ?? {}));
const problems = [];
const renders = new Map(
  readdirSync(renderedDir)
    .filter((file) => file.endsWith('.yaml'))
    .map((file) => [
      basename(file, '.yaml'),
      YAML.parseAllDocuments(readFileSync(join(renderedDir, file), 'utf8'))
        .map((doc) => doc.toJS())
        .filter(Boolean),
    ]),
);
for (const [name, docs] of renders) checkRender(name, docs, facts, secretKeys, problems);
// An overlay and its migration run one release in one namespace.
for (const [name, docs] of renders) {
  const services = renders.get(name.replace(/-migrate$/, ''));
  if (!name.endsWith('-migrate') || !services) continue;
  const a = [...images(docs)].join();
  const b = [...images(services)].join();
  if (a !== b) problems.push(`${name}: runs image ${a}, the services run ${b}`);
  const ns = (list) => [...new Set(list.map((doc) => doc.metadata.namespace))].join();
  if (ns(docs) !== ns(services)) problems.push(`${name}: namespace ${ns(docs)}, the services' is ${ns(services)}`);
}

const resources = [...renders.values()].reduce((sum, docs) => sum + docs.length, 0);
if (problems.length > 0) {
  for (const problem of problems) process.stdout.write(`FAIL ${problem}\n`);
  process.stdout.write(`check-manifests: ${problems.length} problem(s) in ${renders.size} renders\n`);
  process.exit(1);
}
process.stdout.write(`check-manifests: ${resources} resources in ${renders.size} renders keep every promise\n`);
