package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"time"

	"golang.org/x/term"

	"checkin/kiosk/doctor"
)

// defaultEnvFile is the kiosk's environment file (/etc/checkin/kiosk.env,
// read by checkin-kiosk.service): the doctor checks what the kiosk runs with.
const defaultEnvFile = "/etc/checkin/kiosk.env"

// doctorFlags are the flags of checkin doctor.
type doctorFlags struct {
	cfg     doctor.Config
	readers stringList
	envFile string
	json    bool
	fs      *flag.FlagSet
}

func newDoctorFlags(e *env) *doctorFlags {
	d := &doctorFlags{}
	fs := newFlagSet("doctor", "doctor [--env-file FILE] [--data DIR] [--addr HOST:PORT] [--reader SPEC]... [--registry URL[,URL...] --token-file FILE [--registry-ca FILE]] [--tls-cert FILE --tls-key FILE] [--lobby-tvs] [--entrance-screen] [--listen 3s] [--json]", e.stderr)
	fs.StringVar(&d.envFile, "env-file", defaultEnvFile, "read the kiosk's settings (CHECKIN_…) from this systemd environment file too, if it exists\n(a file given and missing is an error); the command line and the environment win over it; \"\" for none")
	fs.StringVar(&d.cfg.Data, "data", "", "the kiosk's data directory")
	fs.StringVar(&d.cfg.Addr, "addr", ":8080", "the kiosk's address (as checkin kiosk --addr, and its default)")
	fs.StringVar(&d.cfg.KioskID, "kiosk-id", "", "the kiosk's --kiosk-id, if it has one: it must match its token's")
	fs.Var(&d.readers, "reader", "a badge reader of the kiosk, as checkin kiosk --reader; repeatable")
	fs.StringVar(&d.cfg.Registry, "registry", "", "the kiosk's registry `URL[,URL...]`")
	fs.StringVar(&d.cfg.TokenFile, "token-file", "", "the file holding the kiosk's sync token")
	fs.StringVar(&d.cfg.Token, "token", "", "the kiosk's sync token (prefer --token-file)")
	fs.StringVar(&d.cfg.RegistryCA, "registry-ca", "", "the PEM `FILE` the kiosk trusts https registries with")
	fs.StringVar(&d.cfg.TLSCert, "tls-cert", "", "on a registry box: the registry's certificate (as checkin registry --tls-cert)")
	fs.StringVar(&d.cfg.TLSKey, "tls-key", "", "on a registry box: the certificate's private key (as checkin registry --tls-key)")
	fs.BoolVar(&d.cfg.LobbyTVs, "lobby-tvs", false, "lobby TVs or desk PCs open this kiosk over the network: its address must be reachable")
	fs.BoolVar(&d.cfg.EntranceScreen, "entrance-screen", false, "this box shows the entrance screen (chromium and cage)")
	fs.DurationVar(&d.cfg.Listen, "listen", 3*time.Second, "how long to listen to each reader for a card")
	fs.BoolVar(&d.json, "json", false, "print the checks as JSON, for scripts")
	d.fs = fs
	return d
}

// runDoctor runs the technician's checklist: exit 0 when no check fails
// (warnings allowed), 1 when one does, 2 for bad usage.
func runDoctor(ctx context.Context, e *env, args []string) error {
	// First the environment file, named on the command line or in the
	// environment: its settings come below both.
	first := newDoctorFlags(e)
	first.fs.SetOutput(discard{})
	first.fs.Usage = func() {}
	var fileVars map[string]string
	source := ""
	if _, err := parseFlags(first.fs, args, e.getenv); err == nil {
		// Bad flags and --help: the second pass reports them.
		explicit := e.getenv("CHECKIN_ENV_FILE") != ""
		first.fs.Visit(func(f *flag.Flag) { explicit = explicit || f.Name == "env-file" })
		if fileVars, source, err = readEnvFile(first.envFile, explicit); err != nil {
			return err
		}
	}
	getenv := func(name string) string {
		if v := e.getenv(name); v != "" {
			return v
		}
		return fileVars[name]
	}
	d := newDoctorFlags(e)
	rest, err := parseFlags(d.fs, args, getenv)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("doctor: unexpected argument %q", rest[0])
	}
	if d.cfg.Listen <= 0 {
		return usagef("doctor: --listen must be positive")
	}
	d.cfg.Readers = d.readers
	d.cfg.FontconfigFile = e.getenv("FONTCONFIG_FILE")
	d.cfg.Version = e.build.Version
	report := doctor.Run(ctx, d.cfg)
	if d.json {
		if err := report.WriteJSON(e.stdout); err != nil {
			return err
		}
	} else {
		f, isFile := e.stdout.(*os.File)
		color := isFile && term.IsTerminal(int(f.Fd()))
		if err := report.WriteText(e.stdout, source, color); err != nil {
			return err
		}
	}
	if failed, _ := report.Counts(); failed > 0 {
		return fmt.Errorf("doctor: %s", report.Summary())
	}
	return nil
}

// readEnvFile reads the doctor's environment file. The default one is
// read only if it exists; one given explicitly must. It returns the
// variables and how the header names where the settings came from.
func readEnvFile(path string, explicit bool) (map[string]string, string, error) {
	if path == "" {
		return nil, "settings from the command line and the environment", nil
	}
	data, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist) && !explicit:
		return nil, "no " + path + ": settings from the command line and the environment", nil
	case err != nil:
		return nil, "", usagef("doctor: --env-file: %v", err)
	}
	vars, err := doctor.ParseEnvFile(path, data)
	if err != nil {
		return nil, "", usagef("doctor: %v", err)
	}
	return vars, "settings from " + path + " (the command line and the environment win)", nil
}

// discard is an io.Writer that drops everything: the first flag pass
// prints nothing.
type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
