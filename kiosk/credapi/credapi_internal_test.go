package credapi

import (
	"strings"
	"testing"

	"checkin/kiosk"
)

// FuzzRequest fuzzes what the API reads of a request before it asks the
// store: the Authorization header and the path's UID.
func FuzzRequest(f *testing.F) {
	f.Add("Bearer cka_abc", "0a:0b:0c:0d:0e")
	f.Add("bearer  cka_abc ", "0x0A0B0C0D0E")
	f.Add("Basic dXNlcjpwdw==", "0a%200b%200c")
	f.Add("Bearer", "%zz")
	f.Add("", "0A0B0")
	f.Add("Bearer \x00", strings.Repeat("0A", 40))
	f.Fuzz(func(t *testing.T, header, raw string) {
		key, ok := bearer(header)
		if ok != (key != "") || ok && (key != strings.TrimSpace(key) || !strings.Contains(header, key)) {
			t.Fatalf("bearer(%q) = %q, %v", header, key, ok)
		}
		uid, err := parseUID(raw)
		if err != nil {
			if kiosk.ErrorCode(err) != kiosk.EINVALID || !strings.HasPrefix(kiosk.ErrorMessage(err), "uid ") {
				t.Fatalf("parseUID(%q): %v, want an invalid error naming the uid", raw, err)
			}
			return
		}
		if uid == "" || len(uid)%2 != 0 || len(uid) > 64 || strings.Trim(uid, "0123456789ABCDEF") != "" {
			t.Fatalf("parseUID(%q) = %q, not a canonical UID", raw, uid)
		}
	})
}

func TestBearer(t *testing.T) {
	for h, want := range map[string]string{"Bearer k": "k", "bearer k ": "k", "BEARER  k": "k", "Bearer": "", "Bearer  ": "", "Basic k": "", "k": ""} {
		if got, ok := bearer(h); got != want && ok || ok != (want != "") {
			t.Errorf("bearer(%q) = %q, %v; want %q", h, got, ok, want)
		}
	}
}
