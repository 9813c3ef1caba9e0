package pass_test

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"checkin/badge/pass"
)

const meeting = "itu-t-sg12"

var (
	t0   = time.Date(2025, 11, 22, 9, 0, 0, 0, time.UTC)
	b64  = base64.RawURLEncoding
	errs = []error{pass.ErrMalformed, pass.ErrUnknownKey, pass.ErrBadSignature, pass.ErrForeignMeeting, pass.ErrNotYetValid}
)

// testKey returns a deterministic key, so tokens are reproducible.
func testKey(id string, seed byte) pass.Key {
	return pass.Key{ID: id, Private: ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, ed25519.SeedSize))}
}

func keyring(t testing.TB, keys ...pass.Key) *pass.Keyring {
	t.Helper()
	var pubs []pass.PublicKey
	for _, k := range keys {
		pubs = append(pubs, k.Public())
	}
	kr, err := pass.NewKeyring(pubs...)
	if err != nil {
		t.Fatal(err)
	}
	kr.Now = func() time.Time { return t0 }
	return kr
}

func issue(t testing.TB, k pass.Key, delegate, meetingID string, at time.Time) (string, pass.Pass) {
	t.Helper()
	tok, p, err := pass.Issue(k, delegate, meetingID, at)
	if err != nil {
		t.Fatalf("Issue(%q, %q): %v", delegate, meetingID, err)
	}
	return tok, p
}

// payload builds a version 1 payload by hand (see the package comment).
func payload(ver byte, iat int64, kid string, meetingID string, delegate string) []byte {
	var p []byte
	p = append(p, ver)
	p = binary.BigEndian.AppendUint64(p, uint64(iat))
	p = append(p, byte(len(kid)))
	p = append(p, kid...)
	tag := tagOf(meetingID)
	p = append(p, tag...)
	return append(p, delegate...)
}

// tagOf recovers the meeting tag from a token issued by the package: it is
// the 9 bytes after the key id.
func tagOf(meetingID string) []byte {
	tok, _, err := pass.Issue(testKey("k1", 1), "x", meetingID, t0)
	if err != nil {
		panic(err)
	}
	p, err := b64.DecodeString(strings.Split(tok, ".")[1])
	if err != nil {
		panic(err)
	}
	return p[12:21]
}

// sign makes a token from raw payload bytes, signed by k.
func sign(k pass.Key, payload []byte) string {
	signed := pass.Prefix + b64.EncodeToString(payload)
	return signed + "." + b64.EncodeToString(ed25519.Sign(k.Private, []byte(signed)))
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func TestRoundTrip(t *testing.T) {
	k := testKey("k1", 1)
	kr := keyring(t, k)
	for _, tc := range []struct{ name, delegate, meeting string }{
		{"typical", "D00042", meeting},
		{"one byte", "D", "M"},
		{"spaces and punctuation", "D 42/x.y", "WP1/12; Q2/12"},
		{"longest", strings.Repeat("d", pass.MaxIDLen), strings.Repeat("m", pass.MaxIDLen)},
		{"quote and backslash", `a"b\c`, `"m"`},
		{"latin diacritics", "Müller-Lüdenscheidt", "Genève-2025"},
		{"cyrillic", "Иванов", "СГ12"},
		{"cjk", "張偉", "第十二研究组"},
		{"arabic", "محمد", meeting},
		{"emoji", "🦊x", meeting},
		{"replacement char", "a\uFFFDb", meeting},
	} {
		t.Run(tc.name, func(t *testing.T) {
			at := t0.Add(-1500 * time.Millisecond)
			tok, issued := issue(t, k, tc.delegate, tc.meeting, at)
			if !strings.HasPrefix(tok, "CK1.") || strings.Count(tok, ".") != 2 || !isASCII(tok) {
				t.Fatalf("token %q: want CK1.<payload>.<signature>, ASCII", tok)
			}
			want := pass.Pass{
				ID:         issued.ID,
				DelegateID: tc.delegate,
				MeetingID:  tc.meeting,
				KeyID:      "k1",
				IssuedAt:   time.Unix(at.Unix(), 0).UTC(),
			}
			if issued != want || len(issued.ID) != 16 || !isASCII(issued.ID) {
				t.Fatalf("Issue pass = %+v, want %+v with a 16-character id", issued, want)
			}
			got, err := kr.Verify(tok, tc.meeting)
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if got != issued {
				t.Fatalf("Verify = %+v, want %+v", got, issued)
			}
			// Ed25519 is deterministic: the same pass again is the same token.
			if tok2, p2 := issue(t, k, tc.delegate, tc.meeting, at.Add(400*time.Millisecond)); tok2 != tok || p2 != issued {
				t.Fatalf("re-issue in the same second: %q, want %q", tok2, tok)
			}
		})
	}
}

func TestPassIDsDiffer(t *testing.T) {
	k := testKey("k1", 1)
	seen := map[string]string{}
	for i := range 50 {
		tok, p := issue(t, k, "D00042", meeting, t0.Add(time.Duration(i)*time.Second))
		if prev, ok := seen[p.ID]; ok {
			t.Fatalf("pass id %s for %s and %s", p.ID, prev, tok)
		}
		seen[p.ID] = tok
	}
}

func TestTokenLength(t *testing.T) {
	k := testKey(strings.Repeat("K", pass.MaxKeyIDLen), 1)
	for _, tc := range []struct {
		name, delegate, meeting string
		max                     int
	}{
		{"typical ids, longest key id", "D00042", meeting, 150},
		{"longest ascii ids and key id", strings.Repeat("D", 64), strings.Repeat("M", 64), 223},
		{"longest multibyte ids", strings.Repeat("張", 21), strings.Repeat("Ж", 32), 223},
		{"longest emoji ids", strings.Repeat("🦊", 16), strings.Repeat("🦊", 16), 223},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if len(tc.delegate) > pass.MaxIDLen || len(tc.meeting) > pass.MaxIDLen {
				t.Fatal("test ids too long")
			}
			tok, _ := issue(t, k, tc.delegate, tc.meeting, t0)
			t.Logf("%d bytes: %s", len(tok), tok)
			if len(tok) > tc.max || len(tok) > 256-30 {
				t.Fatalf("token is %d bytes, want at most %d (kiosk UID limit 256)", len(tok), tc.max)
			}
		})
	}
	// Even a typical key id gives room to spare.
	tok, _ := issue(t, testKey("k1", 1), "D00042", meeting, t0)
	if len(tok) != 127 {
		t.Errorf("typical token is %d bytes, documented as 127", len(tok))
	}
}

// mutate returns tok with byte i replaced by c.
func mutate(tok string, i int, c byte) string {
	b := []byte(tok)
	b[i] = c
	return string(b)
}

// otherChar returns a base64url character other than c.
func otherChar(c byte) byte {
	if c == 'A' {
		return 'B'
	}
	return 'A'
}

func TestVerifyRejects(t *testing.T) {
	k1 := testKey("k1", 1)
	kr := keyring(t, k1)
	tok, _ := issue(t, k1, "D00042", meeting, t0)
	parts := strings.Split(tok, ".")
	pEnd := len("CK1.") + len(parts[1]) // index of the second dot

	impostor := testKey("k1", 2) // same id, another key
	stranger := testKey("k9", 3) // id not in the keyring
	foreign, _ := issue(t, k1, "D00042", "itu-t-sg13", t0)
	long := strings.Repeat("D", 64)
	longTok, _ := issue(t, k1, long, meeting, t0)

	// nonCanonical sets unused low bits in the last character of an encoded
	// part whose length is not a multiple of 4.
	nonCanonical := func(part string) string {
		i := len(part) - 1
		v := strings.IndexByte("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", part[i])
		return part[:i] + string("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"[v|1])
	}
	odd, _ := issue(t, k1, "D0004", meeting, t0)
	oddParts := strings.Split(odd, ".")
	if len(oddParts[2])%4 == 0 || len(oddParts[1])%4 == 0 {
		t.Fatal("test needs parts with unused bits")
	}

	for _, tc := range []struct {
		name    string
		token   string
		meeting string
		want    error
	}{
		{"empty", "", meeting, pass.ErrMalformed},
		{"prefix only", "CK1.", meeting, pass.ErrMalformed},
		{"dots only", "CK1..", meeting, pass.ErrMalformed},
		{"wrong prefix CK2", "CK2." + parts[1] + "." + parts[2], meeting, pass.ErrMalformed},
		{"lower-case prefix", "ck1." + parts[1] + "." + parts[2], meeting, pass.ErrMalformed},
		{"no prefix", parts[1] + "." + parts[2], meeting, pass.ErrMalformed},
		{"tampered payload", mutate(tok, pEnd-4, otherChar(tok[pEnd-4])), meeting, pass.ErrBadSignature},
		{"tampered payload, long id", mutate(longTok, 40, otherChar(longTok[40])), meeting, pass.ErrBadSignature},
		{"tampered signature", mutate(tok, pEnd+40, otherChar(tok[pEnd+40])), meeting, pass.ErrBadSignature},
		{"swapped signature", parts[0] + "." + parts[1] + "." + strings.Split(foreign, ".")[2], meeting, pass.ErrBadSignature},
		{"truncated by one", tok[:len(tok)-1], meeting, pass.ErrMalformed},
		{"truncated signature", tok[:pEnd+1], meeting, pass.ErrMalformed},
		{"no signature", tok[:pEnd], meeting, pass.ErrMalformed},
		{"truncated payload", tok[:pEnd-4] + tok[pEnd:], meeting, pass.ErrBadSignature},
		{"extra dot at end", tok + ".", meeting, pass.ErrMalformed},
		{"extra part", tok + ".AAAA", meeting, pass.ErrMalformed},
		{"dot inside payload", tok[:10] + "." + tok[10:], meeting, pass.ErrMalformed},
		{"padding on signature", tok + "==", meeting, pass.ErrMalformed},
		{"padding on payload", parts[0] + "." + parts[1] + "=." + parts[2], meeting, pass.ErrMalformed},
		{"std base64 plus", mutate(tok, 8, '+'), meeting, pass.ErrMalformed},
		{"std base64 slash", mutate(tok, pEnd+5, '/'), meeting, pass.ErrMalformed},
		{"space", mutate(tok, 8, ' '), meeting, pass.ErrMalformed},
		{"newline inside", tok[:8] + "\n" + tok[8:], meeting, pass.ErrMalformed},
		{"CR LF at end", tok + "\r\n", meeting, pass.ErrMalformed},
		{"non-ASCII", tok[:8] + "é" + tok[10:], meeting, pass.ErrMalformed},
		{"NUL", mutate(tok, 8, 0), meeting, pass.ErrMalformed},
		{"non-canonical signature", oddParts[0] + "." + oddParts[1] + "." + nonCanonical(oddParts[2]), meeting, pass.ErrMalformed},
		{"non-canonical payload", oddParts[0] + "." + nonCanonical(oddParts[1]) + "." + oddParts[2], meeting, pass.ErrMalformed},
		{"longer than 256", tok + strings.Repeat("A", 256), meeting, pass.ErrMalformed},
		{"payload too short", sign(k1, []byte{1, 2, 3}), meeting, pass.ErrMalformed},
		{"payload too long", sign(k1, payload(1, t0.Unix(), "k1", meeting, long+"x")), meeting, pass.ErrMalformed},
		{"unknown version 0", sign(k1, payload(0, t0.Unix(), "k1", meeting, "D1")), meeting, pass.ErrMalformed},
		{"unknown version 2", sign(k1, payload(2, t0.Unix(), "k1", meeting, "D1")), meeting, pass.ErrMalformed},
		{"empty delegate", sign(k1, payload(1, t0.Unix(), "k1", meeting, "")), meeting, pass.ErrMalformed},
		{"control char in delegate", sign(k1, payload(1, t0.Unix(), "k1", meeting, "D\n1")), meeting, pass.ErrMalformed},
		{"invalid UTF-8 delegate", sign(k1, payload(1, t0.Unix(), "k1", meeting, "D\xff")), meeting, pass.ErrMalformed},
		{"bidi override in delegate", sign(k1, payload(1, t0.Unix(), "k1", meeting, "D\u202e1")), meeting, pass.ErrMalformed},
		{"bad key id chars", sign(k1, payload(1, t0.Unix(), "k:1", meeting, "D1")), meeting, pass.ErrMalformed},
		{"issued before 2020", sign(k1, payload(1, 1, "k1", meeting, "D1")), meeting, pass.ErrMalformed},
		{"issued at negative time", sign(k1, payload(1, -1, "k1", meeting, "D1")), meeting, pass.ErrMalformed},
		{"unknown key id", sign(stranger, payload(1, t0.Unix(), "k9", meeting, "D1")), meeting, pass.ErrUnknownKey},
		{"same key id, other key", sign(impostor, payload(1, t0.Unix(), "k1", meeting, "D00042")), meeting, pass.ErrBadSignature},
		{"foreign meeting", foreign, meeting, pass.ErrForeignMeeting},
		{"verifier meeting differs in case", tok, "ITU-T-SG12", pass.ErrForeignMeeting},
		{"verifier meeting empty", tok, "", pass.ErrForeignMeeting},
		{"issued 11 minutes ahead", sign(k1, payload(1, t0.Add(11*time.Minute).Unix(), "k1", meeting, "D1")), meeting, pass.ErrNotYetValid},
		{"issued far in the future", sign(k1, payload(1, t0.AddDate(100, 0, 0).Unix(), "k1", meeting, "D1")), meeting, pass.ErrNotYetValid},
		{"issued after year 9999", sign(k1, payload(1, 1<<62, "k1", meeting, "D1")), meeting, pass.ErrMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := kr.Verify(tc.token, tc.meeting)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Verify(%q) = %+v, %v; want %v", tc.token, p, err, tc.want)
			}
			if p != (pass.Pass{}) {
				t.Fatalf("Verify returned %+v with an error", p)
			}
			for _, e := range errs {
				if e != tc.want && errors.Is(err, e) {
					t.Fatalf("error %v also matches %v", err, e)
				}
			}
		})
	}
}

// Every single-character change to a token is caught.
func TestVerifyEveryFlip(t *testing.T) {
	k := testKey("k1", 1)
	kr := keyring(t, k)
	tok, _ := issue(t, k, "Müller", meeting, t0)
	for i := range len(tok) {
		for _, c := range []byte{otherChar(tok[i]), '.', '=', '~'} {
			if c == tok[i] {
				continue
			}
			bad := mutate(tok, i, c)
			if p, err := kr.Verify(bad, meeting); err == nil {
				t.Fatalf("Verify(%q) with byte %d changed = %+v, want an error", bad, i, p)
			}
		}
	}
}

func TestNotYetValidBoundary(t *testing.T) {
	k := testKey("k1", 1)
	kr := keyring(t, k)
	for _, tc := range []struct {
		ahead time.Duration
		ok    bool
	}{
		{-365 * 24 * time.Hour, true}, // old passes do not expire here
		{0, true},
		{9 * time.Minute, true},
		{pass.MaxFutureSkew, true},
		{pass.MaxFutureSkew + time.Second, false},
		{24 * time.Hour, false},
	} {
		tok, _ := issue(t, k, "D1", meeting, t0.Add(tc.ahead))
		_, err := kr.Verify(tok, meeting)
		if (err == nil) != tc.ok || err != nil && !errors.Is(err, pass.ErrNotYetValid) {
			t.Errorf("issued %v ahead: err = %v, want ok=%v", tc.ahead, err, tc.ok)
		}
	}
}

func TestDefaultClock(t *testing.T) {
	k := testKey("k1", 1)
	kr, err := pass.NewKeyring(k.Public())
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	tok, _ := issue(t, k, "D1", meeting, now)
	if _, err := kr.Verify(tok, meeting); err != nil {
		t.Fatalf("pass issued now: %v", err)
	}
	tok, _ = issue(t, k, "D1", meeting, now.Add(time.Hour))
	if _, err := kr.Verify(tok, meeting); !errors.Is(err, pass.ErrNotYetValid) {
		t.Fatalf("pass issued in an hour: %v, want ErrNotYetValid", err)
	}
}

func TestKeyRotation(t *testing.T) {
	old, cur := testKey("k2025", 1), testKey("k2026", 2)
	kr := keyring(t, old, cur)
	tokOld, pOld := issue(t, old, "D00042", meeting, t0.Add(-time.Hour))
	tokCur, pCur := issue(t, cur, "D00042", meeting, t0)
	for _, tc := range []struct {
		tok  string
		want pass.Pass
	}{{tokOld, pOld}, {tokCur, pCur}} {
		got, err := kr.Verify(tc.tok, meeting)
		if err != nil || got != tc.want {
			t.Fatalf("Verify = %+v, %v; want %+v", got, err, tc.want)
		}
	}
	// The caller decides supersession: the newer pass is later and distinct.
	if !pCur.IssuedAt.After(pOld.IssuedAt) || pCur.ID == pOld.ID {
		t.Fatalf("passes %+v and %+v not ordered", pOld, pCur)
	}
	kr.Remove("k2025")
	if _, err := kr.Verify(tokOld, meeting); !errors.Is(err, pass.ErrUnknownKey) {
		t.Fatalf("after Remove: %v, want ErrUnknownKey", err)
	}
	if _, err := kr.Verify(tokCur, meeting); err != nil {
		t.Fatalf("current key after Remove of the old: %v", err)
	}
}

func TestKeyring(t *testing.T) {
	k1 := testKey("k1", 1)
	var zero pass.Keyring // usable, empty
	tok, _ := issue(t, k1, "D1", meeting, time.Now())
	if _, err := zero.Verify(tok, meeting); !errors.Is(err, pass.ErrUnknownKey) {
		t.Fatalf("empty keyring: %v", err)
	}
	var nilKR *pass.Keyring
	if _, err := nilKR.Verify(tok, meeting); !errors.Is(err, pass.ErrUnknownKey) {
		t.Fatalf("nil keyring: %v", err)
	}
	if err := zero.Add(k1.Public()); err != nil {
		t.Fatal(err)
	}
	if err := zero.Add(k1.Public()); err != nil {
		t.Fatalf("adding the same key twice: %v", err)
	}
	if err := zero.Add(testKey("k1", 2).Public()); !errors.Is(err, pass.ErrInvalidKey) {
		t.Fatalf("another key under the same id: %v", err)
	}
	if _, err := zero.Verify(tok, meeting); err != nil {
		t.Fatal(err)
	}
	if got := zero.Keys(); len(got) != 1 || got[0].String() != k1.Public().String() {
		t.Fatalf("Keys = %v", got)
	}
	for _, bad := range []pass.PublicKey{
		{},
		{ID: "k1"},
		{ID: "k1", Key: make(ed25519.PublicKey, 31)},
		{ID: "", Key: make(ed25519.PublicKey, 32)},
		{ID: "k 1", Key: make(ed25519.PublicKey, 32)},
		{ID: strings.Repeat("k", pass.MaxKeyIDLen+1), Key: make(ed25519.PublicKey, 32)},
		pass.Key{ID: "k2"}.Public(),
	} {
		if _, err := pass.NewKeyring(bad); !errors.Is(err, pass.ErrInvalidKey) {
			t.Errorf("NewKeyring(%v): %v, want ErrInvalidKey", bad, err)
		}
	}
	// The keyring keeps its own copy of the key bytes.
	k3 := testKey("k3", 3)
	pub := k3.Public()
	kr, _ := pass.NewKeyring(pub)
	pub.Key[0] ^= 1
	tok3, _ := issue(t, k3, "D1", meeting, time.Now())
	if _, err := kr.Verify(tok3, meeting); err != nil {
		t.Fatalf("after the caller changed its copy: %v", err)
	}
}

func TestIssueRejects(t *testing.T) {
	k := testKey("k1", 1)
	for _, tc := range []struct {
		name               string
		key                pass.Key
		delegate, meetingI string
		at                 time.Time
		want               error
	}{
		{"empty delegate", k, "", meeting, t0, pass.ErrInvalidID},
		{"empty meeting", k, "D1", "", t0, pass.ErrInvalidID},
		{"65-byte delegate", k, strings.Repeat("d", 65), meeting, t0, pass.ErrInvalidID},
		{"65-byte meeting", k, "D1", strings.Repeat("m", 65), t0, pass.ErrInvalidID},
		{"22 CJK characters (66 bytes)", k, strings.Repeat("張", 22), meeting, t0, pass.ErrInvalidID},
		{"newline", k, "D\n1", meeting, t0, pass.ErrInvalidID},
		{"tab", k, "D\t1", meeting, t0, pass.ErrInvalidID},
		{"NUL", k, "D\x001", meeting, t0, pass.ErrInvalidID},
		{"DEL", k, "D\x7f", meeting, t0, pass.ErrInvalidID},
		{"C1 control", k, "D\u0085", meeting, t0, pass.ErrInvalidID},
		{"bidi override", k, "D\u202e1", meeting, t0, pass.ErrInvalidID},
		{"zero width space", k, "D\u200b1", meeting, t0, pass.ErrInvalidID},
		{"invalid UTF-8", k, "D\xff", meeting, t0, pass.ErrInvalidID},
		{"control char in meeting", k, "D1", "sg\r12", t0, pass.ErrInvalidID},
		{"no private key", pass.Key{ID: "k1"}, "D1", meeting, t0, pass.ErrInvalidKey},
		{"short private key", pass.Key{ID: "k1", Private: k.Private[:32]}, "D1", meeting, t0, pass.ErrInvalidKey},
		{"bad key id", pass.Key{ID: "k:1", Private: k.Private}, "D1", meeting, t0, pass.ErrInvalidKey},
		{"empty key id", pass.Key{Private: k.Private}, "D1", meeting, t0, pass.ErrInvalidKey},
		{"zero time", k, "D1", meeting, time.Time{}, nil},
		{"1970", k, "D1", meeting, time.Unix(0, 0), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tok, p, err := pass.Issue(tc.key, tc.delegate, tc.meetingI, tc.at)
			if err == nil || tc.want != nil && !errors.Is(err, tc.want) {
				t.Fatalf("Issue = %q, %v; want error %v", tok, err, tc.want)
			}
			if tok != "" || p != (pass.Pass{}) {
				t.Fatalf("Issue returned %q, %+v with an error", tok, p)
			}
		})
	}
}

func TestKeyText(t *testing.T) {
	k, err := pass.NewKey("reg-2026")
	if err != nil {
		t.Fatal(err)
	}
	pub := k.Public()
	ps := pub.String()
	if !strings.HasPrefix(ps, "reg-2026:") || len(ps) != len("reg-2026:")+43 {
		t.Fatalf("PublicKey.String() = %q", ps)
	}
	gotPub, err := pass.ParsePublicKey(ps + "\n")
	if err != nil || gotPub.ID != pub.ID || !gotPub.Key.Equal(pub.Key) {
		t.Fatalf("ParsePublicKey(%q) = %v, %v", ps, gotPub, err)
	}
	secret := k.Secret()
	gotKey, err := pass.ParseKey(secret)
	if err != nil || gotKey.ID != k.ID || !gotKey.Private.Equal(k.Private) {
		t.Fatalf("ParseKey: %v, %v", gotKey, err)
	}
	// A parsed key signs passes the original's public key verifies.
	kr := keyring(t, pass.Key{ID: gotPub.ID, Private: k.Private})
	tok, _ := issue(t, gotKey, "D1", meeting, t0)
	if _, err := kr.Verify(tok, meeting); err != nil {
		t.Fatal(err)
	}
	// Printing a key does not reveal it.
	enc := secret[len("reg-2026:"):]
	for _, f := range []string{"%v", "%+v", "%#v", "%s"} {
		if s := fmt.Sprintf(f, k); strings.Contains(s, enc[:20]) || strings.Contains(s, fmt.Sprint([]byte(k.Private)[:4])) {
			t.Errorf("%s of a Key reveals it: %s", f, s)
		}
	}

	other, _ := pass.NewKey("x")
	mismatched := "k1:" + b64.EncodeToString(append(append([]byte{}, k.Private[:32]...), other.Private[32:]...))
	for _, tc := range []struct {
		name    string
		s       string
		private bool
	}{
		{"empty", "", false},
		{"no colon", "k1" + ps[len("reg-2026:"):], false},
		{"empty id", ":" + ps[len("reg-2026:"):], false},
		{"bad id", "k/1:" + ps[len("reg-2026:"):], false},
		{"short", ps[:len(ps)-1], false},
		{"long", ps + "A", false},
		{"padding", ps[:len(ps)-1] + "=", false},
		{"std alphabet", ps[:len(ps)-1] + "+", false},
		{"newline inside", ps[:20] + "\n" + ps[21:], false},
		{"non-canonical", ps[:len(ps)-1] + "B", false}, // 43 chars: the last has 2 unused bits
		{"private given as public", secret, false},
		{"public given as private", ps, true},
		{"private: bad base64", secret[:len(secret)-1] + "*", true},
		{"private: public half mismatched", mismatched, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			if tc.private {
				_, err = pass.ParseKey(tc.s)
			} else {
				_, err = pass.ParsePublicKey(tc.s)
			}
			if !errors.Is(err, pass.ErrInvalidKey) {
				t.Fatalf("parse %q: %v, want ErrInvalidKey", tc.s, err)
			}
			if tc.name == "private given as public" && strings.Contains(err.Error(), enc[:10]) {
				t.Fatalf("error reveals the private key: %v", err)
			}
		})
	}
	if _, err := pass.NewKey("bad id"); !errors.Is(err, pass.ErrInvalidKey) {
		t.Fatalf("NewKey(bad id): %v", err)
	}
}

func TestConcurrentVerify(t *testing.T) {
	keys := []pass.Key{testKey("k0", 1), testKey("k1", 2), testKey("k2", 3), testKey("k3", 4)}
	kr := keyring(t, keys[0])
	var toks []string
	for i, k := range keys {
		tok, _ := issue(t, k, fmt.Sprintf("D%05d", i), meeting, t0)
		toks = append(toks, tok)
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 20 {
				tok := toks[(g+i)%len(toks)]
				if _, err := kr.Verify(tok, meeting); err != nil && !errors.Is(err, pass.ErrUnknownKey) {
					t.Errorf("Verify: %v", err)
				}
			}
		})
	}
	for _, k := range keys[1:] {
		if err := kr.Add(k.Public()); err != nil {
			t.Error(err)
		}
	}
	wg.Wait()
	for _, tok := range toks {
		if _, err := kr.Verify(tok, meeting); err != nil {
			t.Errorf("after all Adds: %v", err)
		}
	}
}

func TestVerifyAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts differ under the race detector")
	}
	k := testKey("k1", 1)
	kr := keyring(t, k)
	tok, _ := issue(t, k, "Müller-Lüdenscheidt", meeting, t0)
	bad := mutate(tok, len(tok)-10, otherChar(tok[len(tok)-10]))
	for _, tc := range []struct {
		name  string
		token string
		max   float64
	}{{"valid", tok, 1}, {"bad signature", bad, 1 /* crypto/ed25519's internal error */}, {"malformed", tok + ".", 0}} {
		if n := testing.AllocsPerRun(20, func() { kr.Verify(tc.token, meeting) }); n > tc.max {
			t.Errorf("%s: %v allocations per Verify, want at most %v", tc.name, n, tc.max)
		}
	}
}

func TestKeyProof(t *testing.T) {
	k, _ := pass.NewKey("k1")
	other, _ := pass.NewKey("k1")
	proof := k.Prove("north")
	if len(proof) != 86 {
		t.Errorf("proof is %d characters, want 86", len(proof))
	}
	if err := k.Public().CheckProof("north", proof); err != nil {
		t.Errorf("own proof: %v", err)
	}
	for name, tc := range map[string]struct {
		key           pass.PublicKey
		holder, proof string
	}{
		"another holder": {k.Public(), "south", proof},
		"another key":    {other.Public(), "north", proof},
		"another key's":  {k.Public(), "north", other.Prove("north")},
		"none":           {k.Public(), "north", ""},
		"not base64url":  {k.Public(), "north", strings.Repeat("*", 86)},
		"altered":        {k.Public(), "north", flip(proof, 40)},
		"no key":         {pass.PublicKey{ID: "k1"}, "north", proof},
	} {
		if err := tc.key.CheckProof(tc.holder, tc.proof); !errors.Is(err, pass.ErrBadProof) {
			t.Errorf("%s: %v, want ErrBadProof", name, err)
		}
	}
}

// flip changes the character at i of a base64url text for another.
func flip(s string, i int) string {
	c := byte('A')
	if s[i] == 'A' {
		c = 'B'
	}
	return s[:i] + string(c) + s[i+1:]
}
