package doctor

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/user"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// certWarnBefore is how long before its end a certificate is worth a
// warning: time to make a new one and copy it to every kiosk.
const certWarnBefore = 30 * 24 * time.Hour

// checkTLS checks a registry's certificate and key (--tls-cert,
// --tls-key): that they load and belong together, that the certificate is
// within its dates, that the key is private, and that the service's user
// can read both (a key left to root stops the registry at start): svc,
// the service's user where it exists (nil: not checked).
func checkTLS(certFile, keyFile string, svc *user.User, now time.Time) Check {
	const title = "registry certificate"
	switch {
	case certFile == "" && keyFile == "":
		return skip(IDTLS, title, "no --tls-cert (CHECKIN_TLS_CERT): the registry serves plain HTTP, or this is no registry box")
	case certFile == "" || keyFile == "":
		return fail(IDTLS, title, "--tls-cert and --tls-key go together; only one is set",
			"set both CHECKIN_TLS_CERT and CHECKIN_TLS_KEY in /etc/checkin/registry.env")
	}
	for _, f := range []string{certFile, keyFile} {
		if _, err := os.Stat(f); err != nil {
			why := err.Error()
			if errors.Is(err, fs.ErrNotExist) {
				why = f + " does not exist"
			}
			return fail(IDTLS, title, why,
				"make the certificate and its key (docs/registry.md), or correct CHECKIN_TLS_CERT and CHECKIN_TLS_KEY")
		}
	}
	if st, err := os.Stat(keyFile); err == nil && st.Mode().Perm()&0o077 != 0 {
		return fail(IDTLS, title, fmt.Sprintf("the private key %s may be read by others (%04o)", keyFile, st.Mode().Perm()),
			"chmod 600 "+keyFile)
	}
	if svc != nil {
		for _, f := range []string{certFile, keyFile} {
			if !canRead(f, svc) {
				return fail(IDTLS, title, fmt.Sprintf("the service's user %s cannot read %s: the registry will not start", svc.Username, f),
					fmt.Sprintf("chown %s: %s", svc.Username, f))
			}
		}
	}
	pair, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return fail(IDTLS, title, fmt.Sprintf("%s and %s: %v", certFile, keyFile, err),
			"give the certificate (PEM) and the private key it was made with")
	}
	cert, err := x509.ParseCertificate(pair.Certificate[0])
	if err != nil {
		return fail(IDTLS, title, fmt.Sprintf("%s: %v", certFile, err), "give a PEM X.509 certificate")
	}
	names := certNames(cert)
	switch {
	case now.Before(cert.NotBefore):
		return fail(IDTLS, title, fmt.Sprintf("%s is valid only from %s (this clock: %s)", certFile, cert.NotBefore.UTC().Format(time.DateOnly), now.UTC().Format(time.DateOnly)),
			"check this machine's clock (timedatectl), or make a new certificate")
	case now.After(cert.NotAfter):
		return fail(IDTLS, title, fmt.Sprintf("%s expired on %s: kiosks refuse the registry", certFile, cert.NotAfter.UTC().Format(time.DateOnly)),
			"make a new certificate (docs/registry.md) and copy it to every kiosk's CHECKIN_REGISTRY_CA")
	case cert.NotAfter.Sub(now) < certWarnBefore:
		return warn(IDTLS, title, fmt.Sprintf("%s for %s expires on %s", certFile, names, cert.NotAfter.UTC().Format(time.DateOnly)),
			"make a new certificate before then and copy it to every kiosk's CHECKIN_REGISTRY_CA")
	}
	if names == "" {
		return fail(IDTLS, title, certFile+" names no host (no subjectAltName): kiosks cannot verify it",
			"make it with -addext subjectAltName=DNS:registry.venue,IP:10.0.0.5 (docs/registry.md)")
	}
	return ok(IDTLS, title, fmt.Sprintf("%s for %s, until %s; kiosks reach the registry by one of these names",
		certFile, names, cert.NotAfter.UTC().Format(time.DateOnly)))
}

// serviceUser returns the packaged services' user, nil where there is none.
func serviceUser() *user.User {
	u, err := user.Lookup(ServiceUser)
	if err != nil {
		return nil
	}
	return u
}

// certNames lists the names a certificate is good for: kiosks verify the
// host of their --registry URL against them.
func certNames(c *x509.Certificate) string {
	var names []string
	names = append(names, c.DNSNames...)
	for _, ip := range c.IPAddresses {
		names = append(names, ip.String())
	}
	return strings.Join(names, ", ")
}

// canRead reports whether user u may read path by its mode bits: as its
// owner, through its group (u's own or a supplementary one), or as anyone.
func canRead(path string, u *user.User) bool {
	st, err := os.Stat(path)
	if err != nil {
		return false
	}
	sys, ok := st.Sys().(*syscall.Stat_t)
	if !ok {
		return true
	}
	mode := st.Mode().Perm()
	if strconv.Itoa(int(sys.Uid)) == u.Uid {
		return mode&0o400 != 0
	}
	if mode&0o040 != 0 {
		gid := strconv.Itoa(int(sys.Gid))
		if gid == u.Gid {
			return true
		}
		if groups, err := u.GroupIds(); err == nil {
			for _, g := range groups {
				if g == gid {
					return true
				}
			}
		}
	}
	return mode&0o004 != 0
}
