import dns from 'node:dns';
import { LookupAddress } from 'node:dns';
import { ErrorCode } from '../common/errors';
import { loadConfig } from '../config/config';
import { hostOf, hostRefusal, internalKind, resolvedRefusal, WebhookAddresses } from './webhook-addresses';

const hostRefusalOf = (url: string) => hostRefusal(hostOf(new URL(url)));

describe('internalKind', () => {
  it.each([
    ['0.0.0.0', 'an unspecified'],
    ['127.0.0.1', 'a loopback'],
    ['127.255.255.254', 'a loopback'],
    ['10.0.0.1', 'a private'],
    ['172.16.0.1', 'a private'],
    ['172.31.255.255', 'a private'],
    ['192.168.0.1', 'a private'],
    ['100.64.0.1', 'a shared (carrier-grade NAT)'],
    ['100.127.255.255', 'a shared (carrier-grade NAT)'],
    ['169.254.169.254', 'a link-local'],
    ['224.0.0.251', 'a multicast'],
    ['239.255.255.250', 'a multicast'],
    ['255.255.255.255', 'a reserved'],
    ['192.0.2.1', 'a reserved'],
    ['198.18.0.1', 'a reserved'],
    ['::', 'an unspecified'],
    ['::1', 'a loopback'],
    ['fc00::1', 'a private'],
    ['fd12:3456:789a::1', 'a private'],
    ['fe80::1', 'a link-local'],
    ['fe80::1%eth0', 'a link-local'],
    ['ff02::1', 'a multicast'],
    ['::ffff:127.0.0.1', 'a loopback'],
    ['::ffff:a9fe:a9fe', 'a link-local'],
    ['::ffff:10.1.2.3', 'a private'],
    ['64:ff9b::a9fe:a9fe', 'a link-local'],
    ['64:ff9b::7f00:1', 'a loopback'],
    ['2002:a9fe:a9fe::1', 'a link-local'],
    ['2002:c0a8:101::1', 'a private'],
    ['::127.0.0.1', 'a reserved'],
    ['2001:db8::1', 'a reserved'],
    ['2001:0:4136:e378::1', 'a reserved'],
  ])('%s is %s address', (address, kind) => {
    expect(internalKind(address)).toBe(kind);
  });

  it.each(['93.184.215.14', '8.8.8.8', '172.32.0.1', '172.15.255.255', '100.128.0.1', '11.0.0.1', '169.253.0.1', '2606:4700::1111', '::ffff:8.8.8.8', '64:ff9b::808:808', '2002:808:808::1'])(
    '%s is on the public internet',
    (address) => {
      expect(internalKind(address)).toBeNull();
    },
  );

  it('is no kind for what is not an address', () => {
    expect(internalKind('localhost')).toBeNull();
  });
});

describe('hostRefusal', () => {
  it.each([
    ['http://169.254.169.254/latest/meta-data/', '169.254.169.254 is a link-local address'],
    ['http://0x7f000001/', '127.0.0.1 is a loopback address'],
    ['http://2130706433/', '127.0.0.1 is a loopback address'],
    ['http://0177.0.0.1/', '127.0.0.1 is a loopback address'],
    ['http://127.1/', '127.0.0.1 is a loopback address'],
    ['http://0xa9.0xfe.0xa9.0xfe/', '169.254.169.254 is a link-local address'],
    ['http://0/', '0.0.0.0 is an unspecified address'],
    ['http://[::1]:8080/', '::1 is a loopback address'],
    ['http://[::ffff:169.254.169.254]/', '::ffff:a9fe:a9fe is a link-local address'],
    ['http://[0:0:0:0:0:ffff:7f00:1]/', '::ffff:7f00:1 is a loopback address'],
    ['http://localhost/', 'localhost is a name of a local network'],
    ['http://LOCALHOST./', 'localhost is a name of a local network'],
    ['http://api.localhost/', 'api.localhost is a name of a local network'],
    ['http://metadata/', 'metadata is a name of a local network'],
    ['http://metadata.google.internal/computeMetadata/v1/', 'metadata.google.internal is a name of a local network'],
    ['http://printer.local/', 'printer.local is a name of a local network'],
    ['http://nas.home.arpa/', 'nas.home.arpa is a name of a local network'],
  ])('refuses %s', (url, reason) => {
    expect(hostRefusalOf(url)).toBe(reason);
  });

  it.each(['https://hooks.example.org/looptrace', 'https://93.184.215.14/', 'http://[2606:4700::1111]/', 'https://localhost.example.org/', 'https://internal.example.org/'])(
    'leaves %s to the resolver',
    (url) => {
      expect(hostRefusalOf(url)).toBeNull();
    },
  );
});

describe('resolvedRefusal', () => {
  it('refuses a name when any one of its addresses is internal', () => {
    expect(resolvedRefusal('hooks.example.org', ['93.184.215.14', '10.0.0.7'])).toBe('hooks.example.org resolves to 10.0.0.7, a private address');
    expect(resolvedRefusal('hooks.example.org', ['2606:4700::1111', '::1'])).toBe('hooks.example.org resolves to ::1, a loopback address');
    expect(resolvedRefusal('hooks.example.org', ['93.184.215.14', '2606:4700::1111'])).toBeNull();
  });
});

describe('WebhookAddresses', () => {
  let answers: LookupAddress[];
  let lookups: jest.SpyInstance;
  const addresses = (allowPrivateNetworks: boolean) => {
    const config = loadConfig({});
    return new WebhookAddresses({ ...config, webhooks: { ...config.webhooks, allowPrivateNetworks } });
  };

  beforeEach(() => {
    answers = [{ address: '93.184.215.14', family: 4 }];
    lookups = jest.spyOn(dns, 'lookup').mockImplementation(((hostname: string, options: dns.LookupAllOptions, callback: (...args: unknown[]) => void) => {
      if (hostname === 'nowhere.example.org') process.nextTick(() => callback(Object.assign(new Error('not found'), { code: 'ENOTFOUND' }), []));
      else process.nextTick(() => callback(null, options.all ? answers : answers[0].address, answers[0].family));
    }) as unknown as typeof dns.lookup);
  });

  afterEach(() => lookups.mockRestore());

  const refusal = async (check: Promise<void>) => {
    const error = await check.then(
      () => null,
      (thrown: { code?: string; details?: { fields?: unknown } }) => thrown,
    );
    expect(error?.code).toBe(ErrorCode.BAD_USER_INPUT);
    return error?.details?.fields;
  };

  it('refuses at registration a URL whose host is, or resolves to, an internal address', async () => {
    const checker = addresses(false);
    expect(await refusal(checker.check('http://[::ffff:169.254.169.254]/', 'input.url'))).toEqual([
      { field: 'input.url', message: 'must be an address on the public internet: ::ffff:a9fe:a9fe is a link-local address' },
    ]);
    await expect(checker.check('https://hooks.example.org/looptrace', 'input.url')).resolves.toBeUndefined();
    answers = [
      { address: '93.184.215.14', family: 4 },
      { address: '192.168.4.4', family: 4 },
    ];
    expect(await refusal(checker.check('https://hooks.example.org/looptrace', 'input.url'))).toEqual([
      { field: 'input.url', message: 'must be an address on the public internet: hooks.example.org resolves to 192.168.4.4, a private address' },
    ]);
    expect(await refusal(checker.check('https://nowhere.example.org/', 'input.url'))).toEqual([
      { field: 'input.url', message: 'names a host that does not resolve: nowhere.example.org (ENOTFOUND)' },
    ]);
  });

  it('lets every address through when private networks are allowed, without resolving', async () => {
    await expect(addresses(true).check('http://127.0.0.1:8080/hooks', 'input.url')).resolves.toBeUndefined();
    await expect(addresses(true).check('http://metadata.google.internal/', 'input.url')).resolves.toBeUndefined();
    expect(lookups).not.toHaveBeenCalled();
    expect(await refusal(addresses(true).check('http://[fe80::1%25eth0]/', 'input.url'))).toEqual([
      { field: 'input.url', message: 'must be an http:// or https:// URL' },
    ]);
  });

  it('refuses before connecting a URL with credentials, another scheme, or an internal address written out', () => {
    const strict = addresses(false);
    const open = addresses(true);
    expect(strict.refusalOf(new URL('http://0x7f000001:8080/'))).toBe('127.0.0.1 is a loopback address');
    expect(open.refusalOf(new URL('http://0x7f000001:8080/'))).toBeNull();
    for (const checker of [strict, open]) {
      expect(checker.refusalOf(new URL('https://user:secret@hooks.example.org/'))).toBe('the URL carries a user name or password');
      expect(checker.refusalOf(new URL('ftp://hooks.example.org/'))).toBe('ftp: is not http: or https:');
      expect(checker.refusalOf(new URL('https://hooks.example.org/'))).toBeNull();
    }
  });

  it('answers the socket with the checked addresses only', async () => {
    const resolve = (checker: WebhookAddresses, all: boolean) =>
      new Promise<{ error: Error | null; address: unknown; family?: number }>((done) =>
        checker.lookup('hooks.example.org', { all }, (error, address, family) => done({ error, address, family })),
      );
    expect(await resolve(addresses(false), false)).toEqual({ error: null, address: '93.184.215.14', family: 4 });
    expect(await resolve(addresses(false), true)).toEqual({ error: null, address: answers, family: undefined });

    answers = [{ address: '::ffff:127.0.0.1', family: 6 }];
    const refused = await resolve(addresses(false), true);
    expect(refused.error?.message).toBe('refused: hooks.example.org resolves to ::ffff:127.0.0.1, a loopback address');
    expect(await resolve(addresses(true), false)).toEqual({ error: null, address: '::ffff:127.0.0.1', family: 6 });
  });
});
