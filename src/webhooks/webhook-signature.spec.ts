import { createHmac } from 'node:crypto';
import { signature } from './webhook-signature';

describe('signature', () => {
  it('matches a vector computed with openssl dgst -sha256 -hmac', () => {
    expect(signature('secret', 1700000000, '{"a":1}')).toBe('sha256=49f24e537407743fa4a0242bb63b94b9a47ee99cbbe071ccd8a22550ae411686');
  });

  it('signs the UTF-8 bytes of the body, as a receiver hashing the raw request does', () => {
    const body = '{"id":"d-1","note":"café ✓"}';
    expect(signature('whsec-0123456789abcdef', 1700000000, body)).toBe('sha256=261f58a731def56324f12393dd64eab00104f96ab9ed0072fd22a179668ef0b8');
    const receiver = createHmac('sha256', 'whsec-0123456789abcdef').update(Buffer.concat([Buffer.from('1700000000.'), Buffer.from(body)]));
    expect(signature('whsec-0123456789abcdef', 1700000000, body)).toBe(`sha256=${receiver.digest('hex')}`);
  });

  it('changes with the timestamp, the body and the secret', () => {
    const base = signature('secret', 1700000000, '{"a":1}');
    expect(signature('secret', 1700000001, '{"a":1}')).not.toBe(base);
    expect(signature('secret', 1700000000, '{"a":2}')).not.toBe(base);
    expect(signature('secret2', 1700000000, '{"a":1}')).not.toBe(base);
  });
});
