package pass_test

import (
	"crypto/ed25519"
	"errors"
	"strings"
	"testing"
	"time"

	"checkin/badge/pass"
)

// checkResult checks what any Verify call must guarantee.
func checkResult(t *testing.T, token, meetingID string, p pass.Pass, err error) {
	t.Helper()
	if err != nil {
		n := 0
		for _, e := range errs {
			if errors.Is(err, e) {
				n++
			}
		}
		if n != 1 {
			t.Fatalf("Verify(%q): error %v wraps %d of the sentinel errors, want 1", token, err, n)
		}
		if p != (pass.Pass{}) {
			t.Fatalf("Verify(%q) returned %+v with error %v", token, p, err)
		}
		return
	}
	if p.ID == "" || p.DelegateID == "" || p.MeetingID == "" || p.KeyID == "" {
		t.Fatalf("Verify(%q) = %+v: empty field", token, p)
	}
	if p.MeetingID != meetingID {
		t.Fatalf("Verify(%q) meeting %q, want %q", token, p.MeetingID, meetingID)
	}
	if !isASCII(token) || !strings.HasPrefix(token, "CK1.") || len(token) > pass.MaxTokenLen {
		t.Fatalf("Verify accepted %q", token)
	}
}

func FuzzVerify(f *testing.F) {
	k1, k2 := testKey("k1", 1), testKey("k2", 2)
	kr := keyring(f, k1, k2)
	for _, d := range []string{"D00042", "Müller", "張偉", strings.Repeat("D", 64)} {
		tok, _ := issue(f, k1, d, meeting, t0)
		f.Add(tok, meeting)
		f.Add(tok, "itu-t-sg13")
		f.Add(tok[:len(tok)-1], meeting)
		f.Add(tok+"=", meeting)
		f.Add(strings.Replace(tok, "CK1.", "CK2.", 1), meeting)
		f.Add(mutate(tok, 10, otherChar(tok[10])), meeting)
	}
	tok2, _ := issue(f, k2, "D1", meeting, t0.Add(time.Hour))
	f.Add(tok2, meeting)
	f.Add("", "")
	f.Add("CK1..", meeting)
	f.Add("CK1.AQ.AA", meeting)
	f.Add("CK1."+strings.Repeat("A", 200)+"."+strings.Repeat("B", 86), meeting)
	f.Fuzz(func(t *testing.T, token, meetingID string) {
		p, err := kr.Verify(token, meetingID)
		checkResult(t, token, meetingID, p, err)
	})
}

// FuzzVerifySigned signs arbitrary payload bytes with a trusted key, so the
// fuzzer reaches the checks behind the signature. Whatever verifies must be
// exactly what Issue would produce: the payload encoding is canonical.
func FuzzVerifySigned(f *testing.F) {
	k := testKey("k1", 1)
	kr := keyring(f, k)
	f.Add(payload(1, t0.Unix(), "k1", meeting, "D00042"))
	f.Add(payload(1, t0.Unix(), "k1", meeting, "Иванов"))
	f.Add(payload(1, t0.Unix(), "k1", meeting, ""))
	f.Add(payload(2, t0.Unix(), "k1", meeting, "D1"))
	f.Add(payload(1, t0.Unix(), "k9", meeting, "D1"))
	f.Add(payload(1, t0.Unix()+3600, "k1", meeting, "D1"))
	f.Add(payload(1, t0.Unix(), "k1", meeting, "D\x00"))
	f.Add([]byte{1})
	f.Fuzz(func(t *testing.T, raw []byte) {
		token := sign(k, raw)
		p, err := kr.Verify(token, meeting)
		checkResult(t, token, meeting, p, err)
		if err != nil {
			return
		}
		again, p2, err := pass.Issue(k, p.DelegateID, meeting, p.IssuedAt)
		if err != nil || again != token || p2 != p {
			t.Fatalf("verified %q as %+v, but Issue gives %q, %+v, %v", token, p, again, p2, err)
		}
	})
}

func BenchmarkVerify(b *testing.B) {
	k := testKey("k1", 1)
	kr := keyring(b, k)
	tok, _ := issue(b, k, "D00042", meeting, t0)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := kr.Verify(tok, meeting); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "verify/s")
}

// BenchmarkEd25519Verify is the bare crypto/ed25519 check of a signature
// over a token-sized message: the baseline BenchmarkVerify (whole token,
// curve25519-voi with precomputed keys) is compared with.
func BenchmarkEd25519Verify(b *testing.B) {
	k := testKey("k1", 1)
	tok, _ := issue(b, k, "D00042", meeting, t0)
	dot := strings.LastIndexByte(tok, '.')
	msg := []byte(tok[:dot])
	sig := ed25519.Sign(k.Private, msg)
	pub := k.Public().Key
	b.ReportAllocs()
	for b.Loop() {
		if !ed25519.Verify(pub, msg, sig) {
			b.Fatal("bad signature")
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "verify/s")
}

func BenchmarkVerifyMalformed(b *testing.B) {
	k := testKey("k1", 1)
	kr := keyring(b, k)
	tok, _ := issue(b, k, "D00042", meeting, t0)
	tok += "="
	b.ReportAllocs()
	for b.Loop() {
		if _, err := kr.Verify(tok, meeting); err == nil {
			b.Fatal("verified")
		}
	}
}

func BenchmarkIssue(b *testing.B) {
	k := testKey("k1", 1)
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := pass.Issue(k, "D00042", meeting, t0); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "issue/s")
}
