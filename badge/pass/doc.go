// Package pass implements signed QR passes: compact tokens that name a
// delegate (by id only) and a meeting, signed with Ed25519 by the registry's
// key (or a standalone kiosk's own key), and verified offline by kiosks that
// hold the matching public keys.
//
// # Token
//
// A token is pure ASCII:
//
//	CK1.<payload>.<signature>
//
// where <payload> and <signature> are base64url without padding (RFC 4648
// §5, canonical encodings only). The signature is Ed25519 over the ASCII
// bytes "CK1.<payload>" exactly as transmitted, so no re-encoding can change
// what was signed. <signature> is always 86 characters.
//
// # Payload (version 1)
//
// The payload is a short binary record rather than JSON: a kiosk accepts at
// most 256 bytes of scanned text (badge.MaxUIDInput) and the signature alone
// takes 86 of them, so a JSON object with two 64-byte ids cannot fit. All
// integers are big-endian.
//
//	offset  size   field
//	0       1      version, 1 (any other value is rejected)
//	1       8      iat: issue time, Unix seconds (int64)
//	9       1      L: length of the key id, 1..16
//	10      L      kid: key id (ASCII letters, digits, '.', '_', '-')
//	10+L    9      mtag: meeting tag, SHA-256("CK1 meeting\x00" || meeting id)[:9]
//	19+L    rest   d: delegate id, UTF-8, 1..64 bytes, printable
//
// The meeting is bound by its tag: a verifier knows which meeting it serves
// and checks that the tag matches; a pass of another meeting is foreign.
// The pass id is not carried: it is derived from the signature
// (base64url of the first 12 bytes of SHA-256(signature), 16 characters),
// and Ed25519 signatures are deterministic, so the same payload signed by
// the same key is the same pass.
//
// With the longest ids (64-byte delegate id, 16-byte key id; the meeting id
// length does not matter) a token is 223 bytes; a typical one
// (delegate "D00042", key "k1") is 127 bytes.
//
// Verification uses curve25519-voi with each trusted key expanded once
// (about twice as fast as crypto/ed25519, same acceptance rules, checked by
// FuzzStdlibRules); signing uses crypto/ed25519.
//
// Supersession (a newer pass for the same delegate) is not decided here:
// callers compare Pass.IssuedAt and Pass.ID with what they know.
package pass
