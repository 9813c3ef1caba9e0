package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// selfSigned writes a self-signed certificate for 127.0.0.1 and localhost
// and its key into dir, as PEM files, the way a venue makes one with
// openssl.
func selfSigned(t *testing.T, dir string) (certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: "registry.venue"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     []string{"localhost"},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "registry.crt"), filepath.Join(dir, "registry.key")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile
}

// TestRegistryOverTLS: a registry started with --tls-cert/--tls-key serves
// HTTPS only; a kiosk that trusts its self-signed certificate through
// --registry-ca syncs (after failing over from a registry URL that does
// not answer); one that does not trust it refuses to talk to it and says
// why in /healthz.
func TestRegistryOverTLS(t *testing.T) {
	if testing.Short() {
		t.Skip("runs real processes")
	}
	v := prepareVenue(t, syncRoster, "north", "south")
	v.cert, v.key = selfSigned(t, v.dir)
	v.startRegistry()
	if !strings.HasPrefix(v.reg.url, "https://") {
		t.Fatalf("registry serves on %s, want https", v.reg.url)
	}

	// Plain HTTP to the registry's port gets nothing from it.
	plain := &http.Client{Timeout: 5 * time.Second}
	if resp, err := plain.Get("http://" + v.addr + "/healthz"); err == nil {
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			t.Errorf("plain HTTP to a TLS registry answered 200")
		}
	}
	// With its certificate trusted, HTTPS works.
	pem, _ := os.ReadFile(v.cert)
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	trusting := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	resp, err := trusting.Get(v.reg.url + "/healthz")
	if err != nil {
		t.Fatalf("https healthz with the certificate trusted: %v", err)
	}
	resp.Body.Close()

	dead := "https://" + freeAddr(t) // nobody listens there
	north := startKiosk(t, v.bin, "--data", filepath.Join(v.dir, "north"), "--kiosk-id", "north",
		"--registry", dead+","+v.registryURL(), "--token-file", v.tokenFile("north"), "--registry-ca", v.cert)
	eventually(t, 10*time.Second, "roster reaches the kiosk that trusts the registry", func() bool {
		return getHealth(t, north.url).Delegates == 3
	})
	if r := tap(t, north.url, "0A0B0C0D0E"); r["result"] != "accepted" {
		t.Fatalf("tap at north: %v", r)
	}
	eventually(t, 10*time.Second, "tap reaches the registry", func() bool {
		return getHealth(t, north.url).Registry.Outbox == 0
	})

	south := v.kiosk("south") // no --registry-ca: the system roots do not know this certificate
	eventually(t, 10*time.Second, "the kiosk without the CA says why it cannot sync", func() bool {
		return strings.Contains(getHealth(t, south.url).Registry.LastError, "--registry-ca")
	})
	h := getHealth(t, south.url)
	if h.Registry.Reachable || h.Delegates != 0 || !strings.Contains(h.Registry.LastError, "certificate") {
		t.Errorf("kiosk without the registry's CA: %+v", h)
	}
}

// TestKioskTokenFile: the sync token comes from a file only its owner may
// read; a missing, empty or shared one is bad usage (exit 2) that says
// what to do.
func TestKioskTokenFile(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.token")
	os.WriteFile(good, []byte("ck_secret\n"), 0o600)
	shared := filepath.Join(dir, "shared.token")
	os.WriteFile(shared, []byte("ck_secret\n"), 0o600)
	os.Chmod(shared, 0o644)
	empty := filepath.Join(dir, "empty.token")
	os.WriteFile(empty, []byte("\n"), 0o600)
	ca := filepath.Join(dir, "not-a-cert.pem")
	os.WriteFile(ca, []byte("hello\n"), 0o644)
	reg := []string{"kiosk", "--data", filepath.Join(dir, "data"), "--registry", "https://registry.venue:8090"}
	tests := []struct {
		name   string
		args   []string
		env    map[string]string
		stderr string
	}{
		{"missing", []string{"--token-file", filepath.Join(dir, "nope.token")}, nil, "nope.token: no such file"},
		{"shared", []string{"--token-file", shared}, nil, "shared.token is readable by others (mode 0644): chmod 600"},
		{"empty", []string{"--token-file", empty}, nil, "empty.token is empty"},
		{"both", []string{"--token-file", good, "--token", "ck_x"}, nil, "give --token-file or --token, not both"},
		{"none", nil, nil, "--registry needs --token-file"},
		{"file from the environment, missing", nil, map[string]string{"CHECKIN_TOKEN_FILE": filepath.Join(dir, "env.token")}, "env.token: no such file"},
		{"shared, beside systemd's credentials", []string{"--token-file", shared}, map[string]string{"CREDENTIALS_DIRECTORY": filepath.Join(dir, "creds")}, "chmod 600"},
		{"bad CA file", []string{"--token-file", good, "--registry-ca", ca}, nil, "not-a-cert.pem: no PEM certificate"},
		{"CA for plain http only", []string{"--token-file", good, "--registry-ca", ca, "--registry", "http://registry.venue:8090"}, nil, "--registry-ca is for https:// registries"},
		{"bad second URL", []string{"--token-file", good, "--registry", "https://a.venue,ftp://b.venue"}, nil, `"ftp://b.venue" is not an http(s) URL`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{"CHECKIN_TOKEN": "", "CHECKIN_TOKEN_FILE": "", "CREDENTIALS_DIRECTORY": ""}
			for k, v := range tt.env {
				env[k] = v
			}
			code, _, stderr := run(t, env, "", append(append([]string{}, reg...), tt.args...)...)
			if code != 2 || !strings.Contains(stderr, tt.stderr) {
				t.Errorf("code %d, stderr %q; want 2 and %q", code, stderr, tt.stderr)
			}
		})
	}
}

// TestKioskTokenFromSystemdCredential: systemd's LoadCredential= shows
// the service user's read access as group bits; such a token file is
// taken (the kiosk then starts; its registry need not answer).
func TestKioskTokenFromSystemdCredential(t *testing.T) {
	creds := t.TempDir()
	token := filepath.Join(creds, "token")
	os.WriteFile(token, []byte("ck_secret\n"), 0o600)
	os.Chmod(token, 0o440)
	var cfg kioskConfig
	cfg.registry = "https://registry.venue:8090"
	if err := cfg.registryFlags(token, "", creds); err != nil || cfg.token != "ck_secret" {
		t.Errorf("token from a systemd credential: %q, %v", cfg.token, err)
	}
	cfg.token = ""
	if err := cfg.registryFlags(token, "", ""); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("a group-readable token file outside systemd's credentials: %v, want refused", err)
	}
}

// TestRegistryTLSFlags: --tls-cert and --tls-key go together, and a file
// that is not a certificate and key is bad input (exit 2) named.
func TestRegistryTLSFlags(t *testing.T) {
	dir := t.TempDir()
	cert, key := selfSigned(t, dir)
	junk := writeFile(t, dir, "junk.pem", "junk\n")
	data := filepath.Join(dir, "reg")
	tests := []struct {
		args   []string
		stderr string
	}{
		{[]string{"--tls-cert", cert}, "--tls-cert and --tls-key go together"},
		{[]string{"--tls-key", key}, "--tls-cert and --tls-key go together"},
		{[]string{"--tls-cert", junk, "--tls-key", key}, "junk.pem"},
		{[]string{"--tls-cert", cert, "--tls-key", filepath.Join(dir, "nope.key")}, "nope.key"},
	}
	for _, tt := range tests {
		args := append([]string{"registry", "--data", data, "--addr", "127.0.0.1:0"}, tt.args...)
		code, _, stderr := run(t, nil, "", args...)
		if code != 2 || !strings.Contains(stderr, tt.stderr) {
			t.Errorf("checkin %v: code %d, stderr %q; want 2 and %q", tt.args, code, stderr, tt.stderr)
		}
	}
}
