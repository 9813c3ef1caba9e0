package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"text/tabwriter"
	"time"

	"checkin/kiosk"
)

const apikeyUsage = "Usage: checkin apikey add|revoke (--data DIR | --db URL) --name NAME\n" +
	"       checkin apikey list (--data DIR | --db URL)\n\n" +
	"API keys of the venue's other systems (e-lockers, doors, printers that share the badge), which ask\n" +
	"GET /api/v1/credentials/{uid} with Authorization: Bearer KEY at any kiosk or the registry.\n" +
	"Made at the registry, a key reaches every kiosk; a kiosk without a registry keeps its own."

// runAPIKey manages the API keys of the venue's other systems, in a
// registry's data (directory or PostgreSQL) or a kiosk's data directory.
func runAPIKey(ctx context.Context, e *env, args []string) error {
	verbs := map[string]bool{"add": true, "list": true, "revoke": true}
	if len(args) == 0 || !verbs[args[0]] {
		if len(args) > 0 && (args[0] == "--help" || args[0] == "-h") {
			fmt.Fprintln(e.stdout, apikeyUsage)
			return errHelp
		}
		return usagef("apikey: say add, list or revoke: apikey add (--data DIR | --db URL) --name NAME")
	}
	verb := args[0]
	fs := newFlagSet("apikey "+verb, "apikey "+verb+" (--data DIR | --db URL) --name NAME", e.stderr)
	data := addDataFlags(fs, "data directory of the registry (or of a kiosk that runs alone)")
	name := fs.String("name", "", "the system's name, e.g. lockers (1 to 64 letters, digits, '.', '_' or '-')")
	rest, err := parseWithData(fs, args[1:], e.getenv, data)
	if err != nil {
		return err
	}
	switch {
	case len(rest) > 0:
		return usagef("apikey %s: unexpected argument %q", verb, rest[0])
	case verb != "list" && !kiosk.ValidAPIKeyName(*name):
		return usagef("apikey %s: --name must be 1 to 64 letters, digits, '.', '_' or '-'", verb)
	}
	venue, closeFn, err := e.openVenueAt(data.location())
	if err != nil {
		return err
	}
	defer closeFn()
	switch verb {
	case "add":
		key, err := newAPIKey()
		if err != nil {
			return err
		}
		replaced, err := venue.AddAPIKey(ctx, *name, kiosk.HashSecret(key))
		if err != nil {
			return domainUsage("apikey add", err)
		}
		venue.Audit(ctx, "cli", "apikey.add", *name)
		// Shown once: only its hash is stored.
		fmt.Fprintln(e.stdout, key)
		note := ""
		if replaced {
			note = " (the earlier key of " + *name + " no longer works)"
		}
		fmt.Fprintf(e.stderr, "api key %s created%s; it is shown only now: give it to the system, which sends it as Authorization: Bearer KEY\n", *name, note)
	case "revoke":
		if err := venue.RevokeAPIKey(ctx, *name); err != nil {
			return domainUsage("apikey revoke", err)
		}
		venue.Audit(ctx, "cli", "apikey.revoke", *name)
		fmt.Fprintf(e.stdout, "api key %s revoked (made at the registry: every kiosk refuses it once the change reaches it)\n", *name)
	case "list":
		keys, err := venue.APIKeys(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tCREATED\tREVOKED\tFROM")
		for _, k := range keys {
			revoked := "-"
			if k.Revoked {
				revoked = k.RevokedAt.Format(time.RFC3339)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", k.Name, k.Created.Format(time.RFC3339), revoked, k.Source)
		}
		return tw.Flush()
	}
	return nil
}

// newAPIKey returns 256 random bits, URL-safe, marked as an API key.
func newAPIKey() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("api key: %w", err)
	}
	return "cka_" + base64.RawURLEncoding.EncodeToString(b), nil
}
