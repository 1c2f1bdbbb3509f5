/** Deterministic, realistic demo data: the same seed gives the same contacts and activities. */

export const DEMO_ACCOUNT = 'demo';
export const CUSTOM_EVENTS = ['product_viewed', 'cart_add', 'purchase', 'app_login'];

/** Mulberry32: tiny seeded PRNG, good enough for demo data. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)];

export interface DemoContact {
  accountId: string;
  cID: string;
  email: string;
  secondaryIdentifiers: { key: string; value: string }[];
  attributes: Record<string, unknown>;
}

export function demoContacts(count: number, random: () => number, accountId = DEMO_ACCOUNT): DemoContact[] {
  return Array.from({ length: count }, (_, i) => ({
    accountId,
    cID: `c${String(i).padStart(6, '0')}`,
    email: `contact${i}@example.com`,
    secondaryIdentifiers: [{ key: 'phone', value: `1619${String(8880000 + i)}` }],
    attributes: {
      tier: pick(random, ['vip', 'regular', 'new']),
      city: pick(random, ['San Diego', 'Austin', 'Lyon', 'Kraków']),
    },
  }));
}

const ACTION_WEIGHTS: [string, number][] = [
  ['message-sent', 40],
  ['open', 25],
  ['click', 12],
  ['bounce', 5],
  ['optout', 3],
  ['complaint', 1],
  ['custom', 14],
];

function weightedAction(random: () => number): string {
  let roll = random() * 100;
  for (const [action, weight] of ACTION_WEIGHTS) {
    if ((roll -= weight) < 0) return action;
  }
  return 'message-sent';
}

/** Activities spread over March 2019, the month of the reference's example requests. */
export function* demoActivities(
  count: number,
  contacts: DemoContact[],
  random: () => number,
  accountId = DEMO_ACCOUNT,
) {
  const start = Date.UTC(2019, 2, 1);
  const span = 31 * 24 * 3600 * 1000;
  for (let i = 0; i < count; i++) {
    const contact = pick(random, contacts);
    const kind = weightedAction(random);
    const batch = random() < 0.6;
    const messageNo = Math.floor(random() * 12);
    const action = kind === 'custom' ? pick(random, CUSTOM_EVENTS) : kind;
    const isMessageEvent = kind !== 'custom';
    yield {
      accountId,
      cID: contact.cID,
      email: contact.email,
      action,
      time: new Date(start + Math.floor(random() * span)),
      ...(isMessageEvent && batch ? { bmID: `${messageNo}:5a7d2a3cc7280b410:ot` } : {}),
      ...(isMessageEvent && !batch ? { mdtID: `auto-${messageNo}` } : {}),
      ...(isMessageEvent
        ? {
            mcID: `${messageNo}:${contact.cID}`,
            message_name: `${batch ? 'Newsletter' : 'Welcome flow'} #${messageNo}`,
          }
        : {}),
      ...(isMessageEvent ? { first: random() < 0.3 } : {}),
      ...(kind === 'custom'
        ? {
            properties: {
              sku: `SKU-${Math.floor(random() * 500)}`,
              price: Math.round(random() * 20_000) / 100,
              custom_per_client_and_not_required: random() < 0.5 ? 'yes' : undefined,
            },
          }
        : {}),
      system_properties: systemProperties(kind, random),
    };
  }
}

function systemProperties(kind: string, random: () => number): Record<string, unknown> {
  switch (kind) {
    case 'open':
      return {
        ua: pick(random, ['Mozilla/5.0 (iPhone)', 'Mozilla/5.0 (Windows NT 10.0)', 'GoogleImageProxy']),
        ip: `203.0.113.${Math.floor(random() * 255)}`,
      };
    case 'click':
      return {
        link: pick(random, ['hero', 'footer', 'cta']),
        rl: `https://shop.example.com/p/${Math.floor(random() * 100)}?utm=a,b`,
        ua: 'Mozilla/5.0',
      };
    case 'bounce':
      return {
        bt: pick(random, ['hard', 'soft']),
        bc: pick(random, ['550', '421', '552']),
        desc: 'mailbox "unavailable", try later',
      };
    case 'optout':
      return { ot: pick(random, ['list-unsubscribe', 'preference-center']) };
    case 'complaint':
      return { fbl: 'abuse' };
    case 'message-sent':
      return { channel: 'email', ip_pool: 'default' };
    default:
      return { source: pick(random, ['web', 'ios', 'android']) };
  }
}
