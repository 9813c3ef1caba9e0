package main

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/base64"
	"fmt"
	"sort"
	"time"

	"checkin/assets"
	"checkin/kiosk/credapi"
	"checkin/sync/registry"
)

func runRegistry(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet("registry", "registry (--data DIR | --db URL) --addr HOST:PORT [--tls-cert FILE --tls-key FILE]", e.stderr)
	data := addDataFlags(fs, "data directory, for the registry on SQLite (created if missing)")
	addr := fs.String("addr", ":8090", "address to serve on, every interface by default: kiosks reach the registry over the venue network")
	certFile := fs.String("tls-cert", "", "serve HTTPS only, with this certificate (PEM; the chain after it)")
	keyFile := fs.String("tls-key", "", "the private key of --tls-cert (PEM)")
	rest, err := parseWithData(fs, args, e.getenv, data)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("registry: unexpected argument %q", rest[0])
	}
	tlsConfig, err := serverTLS(*certFile, *keyFile)
	if err != nil {
		return err
	}
	app, err := openRegistry(e, data.location(), *addr, tlsConfig)
	if err != nil {
		return err
	}
	e.logger.Info("registry serving", "url", app.server.URL(), "data", data.location().String(), "version", e.build.Version, "commit", e.build.Commit)
	return app.run(ctx)
}

// registryApp is a running registry.
type registryApp struct {
	store  registry.Admin
	server *registry.Server
}

// serverTLS loads the registry's certificate and key; nil without both.
func serverTLS(certFile, keyFile string) (*tls.Config, error) {
	if (certFile == "") != (keyFile == "") {
		return nil, usagef("registry: --tls-cert and --tls-key go together")
	}
	if certFile == "" {
		return nil, nil
	}
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, usagef("registry: TLS certificate %s with key %s: %v", certFile, keyFile, err)
	}
	return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}, nil
}

func openRegistry(e *env, at location, addr string, tlsConfig *tls.Config) (*registryApp, error) {
	store, err := e.openRegistryAt(at)
	if err != nil {
		return nil, err
	}
	server := registry.NewServer()
	server.Addr = addr
	server.TLS = tlsConfig
	server.Store = store
	server.Staff = store // the registry's own staff logins sign in to its dashboard
	server.Assets = assets.FS()
	server.Logger = e.logger
	server.Build = e.build
	server.Credentials = credapi.New(store)
	server.Credentials.Logger = e.logger
	if err := server.Open(); err != nil {
		store.Close()
		return nil, err
	}
	return &registryApp{store: store, server: server}, nil
}

// run follows the change log and serves until ctx ends (or serving
// fails), then shuts down: long polls end, requests in flight finish,
// check-ins handed to the store are committed, the database is closed.
func (a *registryApp) run(ctx context.Context) error {
	err := a.server.Run(ctx)
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if cerr := a.server.Close(shutdown); err == nil {
		err = cerr
	}
	if cerr := a.store.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("registry: %w", err)
	}
	return nil
}

func runToken(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || (args[0] != "add" && args[0] != "revoke" && args[0] != "list") {
		if len(args) > 0 && (args[0] == "--help" || args[0] == "-h") {
			fmt.Fprintln(e.stdout, "Usage: checkin token add|revoke (--data REGDIR | --db URL) --kiosk ID\n       checkin token list (--data REGDIR | --db URL)")
			return errHelp
		}
		return usagef("token: say add, revoke or list: token add (--data REGDIR | --db URL) --kiosk ID")
	}
	verb := args[0]
	fs := newFlagSet("token "+verb, "token "+verb+" (--data REGDIR | --db URL) --kiosk ID", e.stderr)
	data := addDataFlags(fs, "the registry's data directory")
	kioskID := fs.String("kiosk", "", "the kiosk's id")
	rest, err := parseWithData(fs, args[1:], e.getenv, data)
	if err != nil {
		return err
	}
	switch {
	case len(rest) > 0:
		return usagef("token %s: unexpected argument %q", verb, rest[0])
	case verb != "list" && !validKioskID(*kioskID):
		return usagef("token %s: --kiosk must be 1 to 64 letters, digits, '-', '_' or '.'", verb)
	}
	store, err := e.openRegistryAt(data.location())
	if err != nil {
		return err
	}
	defer store.Close()
	switch verb {
	case "add":
		token, err := newToken()
		if err != nil {
			return err
		}
		if err := store.AddToken(ctx, *kioskID, token); err != nil {
			return err
		}
		// Shown once: only its hash is stored.
		fmt.Fprintln(e.stdout, token)
		fmt.Fprintf(e.stderr, "token for kiosk %s created; it is shown only now (an earlier token of this kiosk no longer works, and the pass key it announced is withdrawn)\n", *kioskID)
	case "revoke":
		if err := store.RevokeToken(ctx, *kioskID); err != nil {
			return usagef("token revoke: %v", err)
		}
		fmt.Fprintf(e.stdout, "token of kiosk %s revoked; its pass key is withdrawn at every kiosk (passes it signed become invalid_pass)\n", *kioskID)
	case "list":
		kiosks, err := store.TokenKiosks(ctx)
		if err != nil {
			return err
		}
		ids := make([]string, 0, len(kiosks))
		for id := range kiosks {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		for _, id := range ids {
			fmt.Fprintf(e.stdout, "%s\tcreated %s\n", id, kiosks[id].Format(time.RFC3339))
		}
	}
	return nil
}

// newToken returns 256 random bits, URL-safe.
func newToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("token: %w", err)
	}
	return "ck_" + base64.RawURLEncoding.EncodeToString(b), nil
}

func validKioskID(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}
