import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { Ec2ApiError } from '../errors';
import { applyFilters, type FilterFields, readFilters } from '../filters';
import { ID_KINDS, newId, resolveIds } from '../ids';
import { type KeyPairRecord, keyPairs } from '../model';
import { readAction, writeAction } from '../registry';
import { readTagSpecifications, tagSet } from '../tags';
import type { XmlObject } from '../xml';

/** CreateKeyPair (real key material), DescribeKeyPairs, DeleteKeyPair. */
function sshString(data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  return Buffer.concat([length, data]);
}

function sshMpint(base64url: string): Buffer {
  let bytes = Buffer.from(base64url, 'base64url');
  if (bytes[0]! & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return sshString(bytes);
}

function openSshPublicKey(type: 'rsa' | 'ed25519', publicKey: KeyObject, name: string): string {
  const jwk = publicKey.export({ format: 'jwk' });
  const blob =
    type === 'rsa'
      ? Buffer.concat([sshString(Buffer.from('ssh-rsa')), sshMpint(jwk.e!), sshMpint(jwk.n!)])
      : Buffer.concat([sshString(Buffer.from('ssh-ed25519')), sshString(Buffer.from(jwk.x!, 'base64url'))]);
  return `${type === 'rsa' ? 'ssh-rsa' : 'ssh-ed25519'} ${blob.toString('base64')} ${name}`;
}

function generate(
  type: 'rsa' | 'ed25519',
  name: string,
): { material: string; fingerprint: string; publicKey: string } {
  if (type === 'rsa') {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const der = privateKey.export({ format: 'der', type: 'pkcs8' });
    // EC2 shows the SHA-1 of the private key (PKCS#8 DER) for the RSA keys it creates.
    const fingerprint = (createHash('sha1').update(der).digest('hex').match(/../g) ?? []).join(':');
    return {
      material: privateKey.export({ format: 'pem', type: 'pkcs1' }).toString().trim(),
      fingerprint,
      publicKey: openSshPublicKey('rsa', publicKey, name),
    };
  }
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const openSsh = openSshPublicKey('ed25519', publicKey, name);
  const blob = Buffer.from(openSsh.split(' ')[1]!, 'base64');
  return {
    material: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString().trim(),
    fingerprint: `${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}=`,
    publicKey: openSsh,
  };
}

function keyToWire(key: KeyPairRecord, includePublic: boolean): XmlObject {
  return {
    keyPairId: key.id,
    keyFingerprint: key.keyFingerprint,
    keyName: key.keyName,
    keyType: key.keyType,
    tagSet: tagSet(key.tags),
    publicKey: includePublic ? key.publicKey : undefined,
    createTime: new Date(key.createTime),
  };
}

writeAction('CreateKeyPair', ({ params, state, now, gate }) => {
  const keyName = params.requiredString('KeyName');
  if (keyName.length > 255 || !/^[\x20-\x7e]+$/.test(keyName)) {
    throw new Ec2ApiError('InvalidKeyPair.Format', 'Key pair names must be 1 to 255 ASCII characters.');
  }
  const keyType = params.oneOf('KeyType', ['rsa', 'ed25519']) ?? 'rsa';
  const format = params.oneOf('KeyFormat', ['pem', 'ppk']) ?? 'pem';
  if (format === 'ppk')
    throw new Ec2ApiError('InvalidParameterValue', 'The emulator creates keys in pem format only.');
  const tags = readTagSpecifications(params, ['key-pair']).get('key-pair') ?? [];
  if ([...keyPairs.in(state).values()].some((k) => k.keyName === keyName)) {
    throw new Ec2ApiError('InvalidKeyPair.Duplicate', `The keypair '${keyName}' already exists.`);
  }
  gate();
  const { material, fingerprint, publicKey } = generate(keyType, keyName);
  const key: KeyPairRecord = {
    id: newId(ID_KINDS.keyPair),
    tags,
    keyName,
    keyFingerprint: fingerprint,
    keyType,
    createTime: now,
    publicKey,
  };
  keyPairs.in(state).set(key.id, key);
  return {
    keyName,
    keyFingerprint: fingerprint,
    keyMaterial: material,
    keyPairId: key.id,
    tagSet: tagSet(tags),
  };
});

const KEY_FILTERS: FilterFields<KeyPairRecord> = {
  'key-pair-id': (k) => k.id,
  fingerprint: (k) => k.keyFingerprint,
  'key-name': (k) => k.keyName,
  'key-type': (k) => k.keyType,
};

readAction('DescribeKeyPairs', ({ params, state }) => {
  const names = params.strings('KeyName');
  const ids = params.strings('KeyPairId');
  const filters = readFilters(params);
  const includePublic = params.boolean('IncludePublicKey') ?? false;
  const all = [...keyPairs.in(state).values()];
  const missingNames = names.filter((name) => !all.some((k) => k.keyName === name));
  if (missingNames.length > 0) {
    throw new Ec2ApiError('InvalidKeyPair.NotFound', `The key pair '${missingNames[0]}' does not exist`);
  }
  const byId = resolveIds(ID_KINDS.keyPair, ids, (id) => keyPairs.in(state).get(id));
  const selected =
    names.length === 0 && ids.length === 0
      ? all
      : all.filter((k) => names.includes(k.keyName) || byId.includes(k));
  return { keySet: applyFilters(selected, filters, KEY_FILTERS).map((k) => keyToWire(k, includePublic)) };
});

writeAction('DeleteKeyPair', ({ params, state, gate }) => {
  const name = params.string('KeyName');
  const id = params.string('KeyPairId');
  if (name === undefined && id === undefined)
    throw new Ec2ApiError('MissingParameter', 'The request must contain the parameter KeyName or KeyPairId');
  if (id !== undefined) resolveIds(ID_KINDS.keyPair, [id], (k) => keyPairs.in(state).get(k));
  gate();
  // EC2 answers success for a name that does not exist.
  for (const key of [...keyPairs.in(state).values()]) {
    if (key.keyName === name || key.id === id) keyPairs.in(state).delete(key.id);
  }
  return { return: true, keyPairId: id };
});
