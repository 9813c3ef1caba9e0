package main

import (
	"io"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// askCredential asks a server about uid with an API key ("" for none) and
// returns the status and body; 0 when the server cannot be reached.
func askCredential(url, key, uid string) (int, string) {
	req, err := http.NewRequest("GET", url+"/api/v1/credentials/"+uid, nil)
	if err != nil {
		return 0, err.Error()
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// TestAPIKeysEndToEnd: a key made at the registry with `checkin apikey
// add` works at the registry and at both kiosks; revoked there with
// `checkin apikey revoke`, it is refused at every kiosk within a second
// or so (the feed long-polls); a kiosk cannot revoke it itself.
func TestAPIKeysEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("runs real processes")
	}
	v := newVenue(t, syncRoster, "north", "south")
	north, south := v.twoKiosks()
	out, err := exec.Command(v.bin, "apikey", "add", "--data", v.regDir, "--name", "lockers").Output()
	if err != nil {
		t.Fatalf("apikey add: %v", err)
	}
	key := strings.TrimSpace(string(out))
	if !strings.HasPrefix(key, "cka_") || strings.ContainsAny(key, " \n") {
		t.Fatalf("apikey add printed %q, want the key alone", out)
	}
	servers := map[string]string{"registry": v.reg.url, "north": north.url, "south": south.url}
	for name, url := range servers {
		eventually(t, 10*time.Second, "the key works at "+name, func() bool {
			status, body := askCredential(url, key, "0a:0b:0c:0d:0e")
			return status == http.StatusOK && body == `{"valid":true,"reason":"","delegate_id":"D1","valid_until":""}`
		})
		if status, body := askCredential(url, key, "9999999999"); status != http.StatusOK || body != `{"valid":false,"reason":"unknown_badge","delegate_id":"","valid_until":""}` {
			t.Errorf("%s: unknown badge: %d %s", name, status, body)
		}
		if status, body := askCredential(url, "", "0A0B0C0D0E"); status != http.StatusUnauthorized || !strings.Contains(body, `"code":"unauthorized"`) {
			t.Errorf("%s without a key: %d %s, want 401 JSON", name, status, body)
		}
		if status, body := askCredential(url, key, "0A0B0C0D0E"); strings.Contains(body, "Müller") || strings.Contains(body, "Jürgen") {
			t.Errorf("%s tells the name: %d %s", name, status, body)
		}
	}
	out, err = runBin(v.bin, "apikey", "revoke", "--data", filepath.Join(v.dir, "north"), "--name", "lockers")
	if code := exitCode(err); code != 2 || !strings.Contains(string(out), "managed at the registry") {
		t.Errorf("a kiosk revokes the registry's key: exit %d, %s; want 2, managed at the registry", code, out)
	}

	if out, err := runBin(v.bin, "apikey", "revoke", "--data", v.regDir, "--name", "lockers"); err != nil {
		t.Fatalf("apikey revoke: %v\n%s", err, out)
	}
	revoked := time.Now()
	for _, name := range []string{"registry", "north", "south"} {
		url := servers[name]
		eventually(t, 5*time.Second, "the revoked key is refused at "+name, func() bool {
			status, _ := askCredential(url, key, "0A0B0C0D0E")
			return status == http.StatusUnauthorized
		})
		t.Logf("%s refuses the revoked key %v after the revoke finished", name, time.Since(revoked).Round(time.Millisecond))
	}

	out, err = runBin(v.bin, "apikey", "list", "--data", v.regDir)
	if err != nil || !strings.Contains(string(out), "lockers") || strings.Contains(string(out), key) {
		t.Errorf("apikey list: %v\n%s", err, out)
	}
	if lines := strings.Split(strings.TrimSpace(string(out)), "\n"); len(lines) != 2 || strings.Contains(lines[1], " - ") {
		t.Errorf("apikey list = %q, want lockers with its revocation time", out)
	}
}

// exitCode is a command's exit code (0 when it succeeded).
func exitCode(err error) int {
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}
