package doctor

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	_ "modernc.org/sqlite" // the "sqlite" driver, as the kiosk uses

	"checkin/kiosk/sqlitedb"
)

// DBFile is the database's name inside a data directory.
const DBFile = "checkin.db"

// ServiceUser is the system user the packaged services run as, and
// ServiceHome the directory whose data directories it must own.
const (
	ServiceUser = "checkin"
	ServiceHome = "/var/lib/checkin"
)

// checkDataDir checks the data directory: there, a directory, 0700, its
// database files 0600, and everything in it owned by its owner (an import
// run as root into the service's directory leaves files the service
// cannot write); under ServiceHome, owned by ServiceUser.
func checkDataDir(dir string) []Check {
	const title = "data directory"
	if dir == "" {
		return []Check{skip(IDDataDir, title, "no --data (CHECKIN_DATA) given")}
	}
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return []Check{fail(IDDataDir, title, dir+" does not exist",
			"import the roster (checkin import roster --data "+dir+" FILE) or start the kiosk once (systemctl start checkin-kiosk); or correct CHECKIN_DATA")}
	case err != nil:
		return []Check{fail(IDDataDir, title, err.Error(), "run checkin doctor as root or as the kiosk's user")}
	case !st.IsDir():
		return []Check{fail(IDDataDir, title, dir+" is not a directory", "point CHECKIN_DATA at the kiosk's data directory")}
	}
	var out []Check
	if mode := st.Mode().Perm(); mode != 0o700 {
		out = append(out, fail(IDDataDir, title, fmt.Sprintf("%s is mode %04o: it holds names, e-mail addresses and keys, only its owner may open it", dir, mode),
			"chmod 700 "+dir))
	}
	var loose []string
	for _, f := range sqlitedb.Files(filepath.Join(dir, DBFile)) {
		if fst, err := os.Stat(f); err == nil && fst.Mode().Perm()&0o077 != 0 {
			loose = append(loose, fmt.Sprintf("%s (%04o)", filepath.Base(f), fst.Mode().Perm()))
		}
	}
	if len(loose) > 0 {
		out = append(out, fail(IDDataDir, title, "others may read "+strings.Join(loose, ", "),
			"chmod 600 "+filepath.Join(dir, DBFile)+"*"))
	}
	owner := ownerOf(st)
	if owner >= 0 {
		if u, err := user.Lookup(ServiceUser); err == nil && inDir(dir, ServiceHome) && strconv.Itoa(owner) != u.Uid {
			out = append(out, fail(IDDataDir, title, fmt.Sprintf("%s is owned by %s, not by %s, which runs the kiosk", dir, userName(owner), ServiceUser),
				fmt.Sprintf("chown -R %s: %s", ServiceUser, dir)))
			owner = -1 // one chown fixes both
		}
	}
	if owner >= 0 {
		var others []string
		n := 0
		filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || path == dir {
				return nil
			}
			info, err := d.Info()
			if err != nil {
				return nil
			}
			if o := ownerOf(info); o >= 0 && o != owner {
				n++
				if len(others) < 3 {
					rel, _ := filepath.Rel(dir, path)
					others = append(others, rel+" ("+userName(o)+")")
				}
			}
			return nil
		})
		if n > 0 {
			more := ""
			if n > len(others) {
				more = fmt.Sprintf(" and %d more", n-len(others))
			}
			out = append(out, fail(IDDataDir, title,
				fmt.Sprintf("files not owned by %s, the directory's owner: %s%s (was a command run as another user?)", userName(owner), strings.Join(others, ", "), more),
				fmt.Sprintf("chown -R %s: %s", userName(owner), dir)))
		}
	}
	if len(out) == 0 {
		out = append(out, ok(IDDataDir, title, fmt.Sprintf("%s (0700, owner %s)", dir, userName(ownerOf(st)))))
	}
	return out
}

// ownerOf returns a file's owner's uid, or -1 where the system has none.
func ownerOf(fi fs.FileInfo) int {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return int(st.Uid)
	}
	return -1
}

// userName names a uid: its login name, or the number.
func userName(uid int) string {
	if u, err := user.LookupId(strconv.Itoa(uid)); err == nil {
		return u.Username
	}
	return strconv.Itoa(uid)
}

// inDir reports whether path is dir or inside it.
func inDir(path, dir string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, "../")
}

// checkDatabase runs SQLite's quick_check on the kiosk's database,
// read-only. Without a WAL (no kiosk has it open) it opens the file as
// immutable: a read-only open would otherwise create -wal and -shm files,
// owned by whoever runs the doctor (root, often), that the kiosk could
// not open afterwards.
func checkDatabase(ctx context.Context, dir string) Check {
	const title = "database"
	if dir == "" {
		return skip(IDDatabase, title, "no --data (CHECKIN_DATA) given")
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return skip(IDDatabase, title, "no data directory (see its line)")
	}
	path := filepath.Join(dir, DBFile)
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return fail(IDDatabase, title, path+" does not exist: no roster imported yet",
			"checkin import roster --data "+dir+" FILE (as the kiosk's user), or start the kiosk under its registry")
	} else if err != nil {
		return fail(IDDatabase, title, err.Error(), "run checkin doctor as root or as the kiosk's user")
	}
	dsn := "file:" + path + "?mode=ro&_pragma=busy_timeout(5000)"
	if !exists(path+"-wal") || !exists(path+"-shm") {
		dsn += "&immutable=1"
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return fail(IDDatabase, title, err.Error(), "")
	}
	defer db.Close()
	var rows []string
	q, err := db.QueryContext(ctx, `PRAGMA quick_check`)
	if err == nil {
		for q.Next() {
			var s string
			if err = q.Scan(&s); err != nil {
				break
			}
			rows = append(rows, s)
		}
		if err == nil {
			err = q.Err()
		}
		q.Close()
	}
	restore := "stop the kiosk (systemctl stop checkin-kiosk), move " + path + " aside and restore it from a backup or re-import the roster; a kiosk under a registry fetches everything again"
	if err != nil {
		return fail(IDDatabase, title, fmt.Sprintf("%s cannot be read: %v", path, err), restore)
	}
	if len(rows) != 1 || rows[0] != "ok" {
		if len(rows) > 3 {
			rows = append(rows[:3], fmt.Sprintf("… %d more", len(rows)-3))
		}
		return fail(IDDatabase, title, path+" is damaged: "+strings.Join(rows, "; "), restore)
	}
	detail := "quick_check ok"
	var schema string
	if db.QueryRowContext(ctx, `SELECT max(name) FROM migrations`).Scan(&schema) == nil {
		schema = strings.TrimPrefix(schema, "migrations/")
		if n, _, ok := strings.Cut(schema, "_"); ok {
			detail += ", schema " + n
		}
	}
	var delegates int
	if db.QueryRowContext(ctx, `SELECT count(*) FROM delegates`).Scan(&delegates) == nil {
		detail += fmt.Sprintf(", %d delegates", delegates)
	}
	return ok(IDDatabase, title, detail)
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// Free space thresholds of the data directory's file system.
const (
	diskFail = 256 << 20
	diskWarn = 1 << 30
)

// checkDisk checks the free space where the data directory is (or would
// be created).
func checkDisk(dir string) Check {
	const title = "free disk"
	if dir == "" {
		return skip(IDDisk, title, "no --data (CHECKIN_DATA) given")
	}
	at := dir
	for !exists(at) && filepath.Dir(at) != at {
		at = filepath.Dir(at)
	}
	var fsst syscall.Statfs_t
	if err := syscall.Statfs(at, &fsst); err != nil {
		return fail(IDDisk, title, fmt.Sprintf("statfs %s: %v", at, err), "")
	}
	free := int64(fsst.Bavail) * int64(fsst.Bsize)
	detail := fmt.Sprintf("%s free on %s", size(free), at)
	fix := "free space on that file system (journalctl --vacuum-size=100M, apt-get clean, old exports)"
	switch {
	case free < diskFail:
		return fail(IDDisk, title, detail+": taps cannot be written when it is full", fix)
	case free < diskWarn:
		return warn(IDDisk, title, detail+": less than 1 GiB", fix)
	}
	return ok(IDDisk, title, detail)
}

// size formats a byte count for people.
func size(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d KiB", n>>10)
}
