package pass

import (
	"bytes"
	"crypto/ed25519"
	"testing"

	voi "github.com/oasisprotocol/curve25519-voi/primitives/ed25519"
)

// FuzzStdlibRules checks that the faster verifier accepts exactly what
// crypto/ed25519 accepts: the same signatures, including altered and
// non-canonical ones, are good or bad under both.
func FuzzStdlibRules(f *testing.F) {
	priv := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize))
	pub := priv.Public().(ed25519.PublicKey)
	expanded, err := voi.NewExpandedPublicKey(voi.PublicKey(pub))
	if err != nil {
		f.Fatal(err)
	}
	for _, msg := range []string{"CK1.", "CK1.AQAAAABpIfcoAmsx", ""} {
		sig := ed25519.Sign(priv, []byte(msg))
		f.Add([]byte(msg), sig)
		bad := bytes.Clone(sig)
		bad[63] ^= 0x80 // S out of range
		f.Add([]byte(msg), bad)
		bad = bytes.Clone(sig)
		bad[0] ^= 1
		f.Add([]byte(msg), bad)
	}
	f.Fuzz(func(t *testing.T, msg, sig []byte) {
		if len(sig) != ed25519.SignatureSize {
			return
		}
		std := ed25519.Verify(pub, msg, sig)
		fast := voi.VerifyExpandedWithOptions(expanded, msg, sig, stdlibRules)
		if std != fast {
			t.Fatalf("crypto/ed25519 says %v, curve25519-voi says %v for %x over %q", std, fast, sig, msg)
		}
	})
}
