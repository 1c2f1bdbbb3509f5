/**
 * Development defaults: values that make `make up` work with no configuration (local servers, their fixed
 * credentials). Outside development they would silently point a service at nothing, or at a credential anyone can
 * read in this repository: a service refuses to start unless each such variable is given.
 */
const devDefaults = new WeakMap<object, Set<string>>();

/** Marks a variable whose default is only good for development: required when `isDevelopment` is false. */
export function DevDefault(): PropertyDecorator {
  return (target, property) => {
    const names = devDefaults.get(target) ?? new Set<string>();
    names.add(String(property));
    devDefaults.set(target, names);
  };
}

/** The variables of an environment class (and the classes it extends) that must be given outside development. */
export function devDefaultsOf(envClass: new () => object): string[] {
  const names = new Set<string>();
  for (let proto = envClass.prototype; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    for (const name of devDefaults.get(proto) ?? []) names.add(name);
  }
  return [...names].sort();
}

const DEVELOPMENT_NAMES = ['development', 'dev', 'local', 'test'];

/**
 * Development unless told otherwise: `DEPLOY_ENV` (any value but development/dev/local/test means a deployment)
 * wins; without it, `NODE_ENV=production` (the container image sets it) means a deployment.
 */
export function isDevelopment(env: NodeJS.ProcessEnv): boolean {
  const deployEnv = env.DEPLOY_ENV?.trim().toLowerCase();
  if (deployEnv) return DEVELOPMENT_NAMES.includes(deployEnv);
  return env.NODE_ENV !== 'production';
}
