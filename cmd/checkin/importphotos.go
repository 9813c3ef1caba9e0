package main

import (
	"context"

	"fmt"
	"sort"
	"strings"

	"checkin/kiosk"
	"checkin/kiosk/photoimport"
)

const importPhotosUsage = `import photos (--data DIR | --db URL) [--dry-run] FOLDER|FILE.zip

Sets delegates' photos from a folder or a zip archive of image files, each
named by the delegate's id as on the roster: D0042.jpg, D0043.jpeg,
D0044.png (the extension in any case). JPEG or PNG, at most 5 MB and
32 to 4096 pixels a side; the type is what the bytes are, not the name.
Every file is checked first; if any is wrong (an unknown delegate id, another
type, too large, damaged, two files for one delegate) every problem is listed,
one line per file, and nothing is written (exit 2). Otherwise all photos are
written in one transaction. Delegates not named keep their photos. Photos
reach every kiosk through the registry's feed; a roster re-import keeps them.

Example: checkin import photos --data /var/lib/checkin/registry photos-2026-11.zip
(an example folder: assets/examples/photos/ in the source)`

func runImportPhotos(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet("import photos", importPhotosUsage, e.stderr)
	data := addDataFlags(fs, "data directory of a kiosk or the registry")
	dryRun := fs.Bool("dry-run", false, "check everything and print what would change, writing nothing")
	rest, err := parseWithData(fs, args, e.getenv, data)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usagef("import photos: give exactly one folder or .zip file")
	}
	name := rest[0]
	res, err := photoimport.Read(name)
	if err != nil {
		if kiosk.ErrorCode(err) == kiosk.EINVALID {
			return &problemsError{lines: []string{name + ": " + kiosk.ErrorMessage(err)}}
		}
		return usagef("import photos: %v", err)
	}
	for _, s := range res.Skipped {
		fmt.Fprintf(e.stderr, "%s: %s: skipped (hidden file or folder)\n", name, s)
	}
	db, closeDB, err := e.openVenueAt(data.location())
	if err != nil {
		return err
	}
	defer closeDB()
	current, err := db.PhotoHashes(ctx)
	if err != nil {
		return err
	}
	problems := res.Problems
	for _, p := range res.Photos {
		if _, ok := current[p.DelegateID]; !ok {
			problems = append(problems, photoimport.Problem{File: res.Files[p.DelegateID],
				Msg: fmt.Sprintf("no delegate with id %q on the roster", p.DelegateID)})
		}
	}
	if len(problems) > 0 {
		sort.SliceStable(problems, func(i, j int) bool { return problems[i].File < problems[j].File })
		pe := &problemsError{}
		for _, p := range problems {
			pe.lines = append(pe.lines, name+": "+p.String())
		}
		return pe
	}
	if len(res.Photos) == 0 {
		return &problemsError{lines: []string{name + ": " + photoimport.ErrNoPhotos.Error()}}
	}
	if *dryRun {
		plan := map[kiosk.PhotoOutcome][]string{}
		var n kiosk.PhotoImport
		for _, p := range res.Photos {
			o := kiosk.PhotoOutcomeOf(current[p.DelegateID], p.SHA256)
			n.Count(o)
			plan[o] = append(plan[o], p.DelegateID)
		}
		fmt.Fprintf(e.stdout, "%s: %d photos would be %d added, %d changed, %d unchanged (dry run: nothing written)\n",
			name, len(res.Photos), n.Added, n.Changed, n.Unchanged)
		for _, o := range []struct {
			what string
			ids  []string
		}{{"add", plan[kiosk.PhotoAdded]}, {"change", plan[kiosk.PhotoChanged]}} {
			if len(o.ids) > 0 {
				fmt.Fprintf(e.stdout, "  would %s: %s\n", o.what, firstIDs(o.ids, 10))
			}
		}
		return nil
	}
	n, err := db.ImportPhotos(ctx, res.Photos)
	if kiosk.ErrorCode(err) == kiosk.EINVALID { // the roster changed since it was read
		return &problemsError{lines: []string{name + ": " + kiosk.ErrorMessage(err)}}
	} else if err != nil {
		return fmt.Errorf("import photos: %w", err)
	}
	fmt.Fprintf(e.stdout, "%s: %d photos (%d added, %d changed, %d unchanged)\n", name, len(res.Photos), n.Added, n.Changed, n.Unchanged)
	return nil
}

// firstIDs lists up to n ids, and how many more there are.
func firstIDs(ids []string, n int) string {
	if len(ids) <= n {
		return strings.Join(ids, " ")
	}
	return strings.Join(ids[:n], " ") + fmt.Sprintf(" … and %d more", len(ids)-n)
}
