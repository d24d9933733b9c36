import { Inject, Injectable } from '@nestjs/common';
import { lookup as lookupHost, LookupAddress, LookupOptions } from 'node:dns';
import { BlockList, isIP, LookupFunction } from 'node:net';
import { BadUserInputError } from '../common/errors';
import { CONFIG, LooptraceConfig } from '../config/config';

/**
 * The networks of the service's own surroundings, by what they are: a webhook
 * aimed at them could reach the cloud's metadata service, the database or an
 * admin port behind the firewall. Checked in this order, so that an address
 * is named by its narrowest kind.
 */
const INTERNAL_NETWORKS: Array<{ kind: string; ipv4: string[]; ipv6: string[] }> = [
  { kind: 'an unspecified', ipv4: ['0.0.0.0/8'], ipv6: ['::/128'] },
  { kind: 'a loopback', ipv4: ['127.0.0.0/8'], ipv6: ['::1/128'] },
  { kind: 'a link-local', ipv4: ['169.254.0.0/16'], ipv6: ['fe80::/10'] },
  { kind: 'a private', ipv4: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'], ipv6: ['fc00::/7', 'fec0::/10', '64:ff9b:1::/48'] },
  { kind: 'a shared (carrier-grade NAT)', ipv4: ['100.64.0.0/10'], ipv6: [] },
  { kind: 'a multicast', ipv4: ['224.0.0.0/4'], ipv6: ['ff00::/8'] },
  {
    kind: 'a reserved',
    ipv4: ['192.0.0.0/24', '192.0.2.0/24', '192.88.99.0/24', '198.18.0.0/15', '198.51.100.0/24', '203.0.113.0/24', '240.0.0.0/4'],
    // IPv4-compatible addresses, discard, Teredo, benchmarking and documentation.
    ipv6: ['::/96', '100::/64', '2001::/32', '2001:2::/48', '2001:db8::/32', '3fff::/20'],
  },
];

/** Names that only a local resolver answers (RFC 6761, RFC 6762, RFC 8375, and .internal for private use). */
const LOCAL_DOMAINS = ['localhost', 'local', 'internal', 'home.arpa'];

type Subnet = { network: string; prefix: number };

const subnet = (cidr: string): Subnet => {
  const [network, prefix] = cidr.split('/');
  return { network, prefix: Number(prefix) };
};

/**
 * The same IPv4 networks as seen through IPv6 translation (NAT64, 64:ff9b::/96)
 * and 6to4 (2002::/16), which carry an IPv4 address inside them. IPv4-mapped
 * addresses (::ffff:a.b.c.d) need no entry: BlockList holds them to the IPv4 rules.
 */
function translated({ network, prefix }: Subnet): Subnet[] {
  const [a, b, c, d] = network.split('.').map(Number);
  const hex = (high: number, low: number) => ((high << 8) | low).toString(16);
  return [
    { network: `64:ff9b::${network}`, prefix: 96 + prefix },
    { network: `2002:${hex(a, b)}:${hex(c, d)}::`, prefix: 16 + prefix },
  ];
}

const NETWORK_LISTS = INTERNAL_NETWORKS.map(({ kind, ipv4, ipv6 }) => {
  const list = new BlockList();
  for (const cidr of ipv4) {
    const ipv4Subnet = subnet(cidr);
    list.addSubnet(ipv4Subnet.network, ipv4Subnet.prefix, 'ipv4');
    for (const inside of translated(ipv4Subnet)) list.addSubnet(inside.network, inside.prefix, 'ipv6');
  }
  for (const cidr of ipv6) list.addSubnet(subnet(cidr).network, subnet(cidr).prefix, 'ipv6');
  return { kind, list };
});

/** What kind of internal address this is ("a loopback"), or null for an address on the public internet. */
export function internalKind(address: string): string | null {
  // A zone (fe80::1%eth0) is no part of the address itself.
  const bare = address.split('%')[0];
  const family = isIP(bare);
  if (family === 0) return null;
  return NETWORK_LISTS.find(({ list }) => list.check(bare, family === 4 ? 'ipv4' : 'ipv6'))?.kind ?? null;
}

/** The host of a URL as the resolver and the socket see it: no IPv6 brackets, no final dot. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
}

/**
 * Why the host may not receive webhooks, judged from how it is written, or
 * null. The WHATWG URL parser has already turned every notation of an IPv4
 * address (0x7f000001, 2130706433, 0177.0.0.1, 127.1) into the dotted one.
 * A name that passes is still to be resolved and its addresses checked.
 */
export function hostRefusal(host: string): string | null {
  if (isIP(host)) {
    const kind = internalKind(host);
    return kind && `${host} is ${kind} address`;
  }
  const local = !host.includes('.') || LOCAL_DOMAINS.some((domain) => host === domain || host.endsWith(`.${domain}`));
  return local ? `${host} is a name of a local network` : null;
}

/** Why the host may not receive webhooks, judged from the addresses its name resolves to, or null. Any one internal address refuses it. */
export function resolvedRefusal(host: string, addresses: string[]): string | null {
  for (const address of addresses) {
    const kind = internalKind(address);
    if (kind) return `${host} resolves to ${address}, ${kind} address`;
  }
  return null;
}

/** Why a stored URL may not be sent to at all, whatever the network setting, or null. */
function urlRefusal(url: URL): string | null {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `${url.protocol} is not http: or https:`;
  return url.username || url.password ? 'the URL carries a user name or password' : null;
}

/** A delivery the service would not make: recorded as the attempt's error. */
export class AddressRefusedError extends Error {
  constructor(reason: string) {
    super(`refused: ${reason}`);
    this.name = 'AddressRefusedError';
  }
}

/** Every address of a name, as the system resolver gives them (hosts file, DNS). */
function resolveAll(host: string, options: LookupOptions, done: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void): void {
  lookupHost(host, { ...options, all: true }, (error, addresses) => {
    if (!error && addresses.length === 0) done(Object.assign(new Error(`${host} has no address`), { code: 'ENOTFOUND' }), []);
    else done(error, addresses);
  });
}

/**
 * Keeps webhooks out of the service's own network unless
 * WEBHOOK_ALLOW_PRIVATE_NETWORKS is on: checks a URL when it is registered,
 * and again at every delivery, where the socket connects only to the
 * addresses the check passed, so that a name cannot be turned to an internal
 * address between the check and the connection (DNS rebinding).
 */
@Injectable()
export class WebhookAddresses {
  constructor(@Inject(CONFIG) private readonly config: LooptraceConfig) {}

  private get allowInternal(): boolean {
    return this.config.webhooks.allowPrivateNetworks;
  }

  /** Refuses, as BAD_USER_INPUT naming the field, a URL whose host is or resolves to an internal address. */
  async check(url: string, field: string): Promise<void> {
    // The delivery parses the URL as WHATWG does, which is stricter in places than the syntax check at the edge.
    if (!URL.canParse(url)) throw BadUserInputError.field(field, 'must be an http:// or https:// URL');
    if (this.allowInternal) return;
    const host = hostOf(new URL(url));
    let refusal = hostRefusal(host);
    if (!refusal && !isIP(host)) {
      const addresses = await new Promise<LookupAddress[]>((resolve, reject) =>
        resolveAll(host, {}, (error, found) => {
          if (error) reject(BadUserInputError.field(field, `names a host that does not resolve: ${host} (${error.code ?? error.message})`));
          else resolve(found);
        }),
      );
      refusal = resolvedRefusal(host, addresses.map(({ address }) => address));
    }
    if (refusal) throw BadUserInputError.field(field, `must be an address on the public internet: ${refusal}`);
  }

  /** Why a delivery to this URL is refused before it connects, or null; a name is checked as it resolves, by lookup. */
  refusalOf(url: URL): string | null {
    return urlRefusal(url) ?? (this.allowInternal ? null : hostRefusal(hostOf(url)));
  }

  /** The resolver of a delivery's socket: answers with the addresses of the name only once every one of them has passed the check. */
  readonly lookup: LookupFunction = (hostname, options, callback) => {
    resolveAll(hostname, options, (error, addresses) => {
      if (error) return callback(error, '');
      const refusal = this.allowInternal ? null : resolvedRefusal(hostname, addresses.map(({ address }) => address));
      if (refusal) callback(new AddressRefusedError(refusal), '');
      else if (options.all) callback(null, addresses);
      else callback(null, addresses[0].address, addresses[0].family);
    });
  };
}
