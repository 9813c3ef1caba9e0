package main

import (
	"context"
	"fmt"

	"checkin/kiosk"
)

func runMeeting(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet("meeting", "meeting (--data DIR | --db URL) [--id ID] [--name NAME] [--start D] [--end D] [--tz ZONE]", e.stderr)
	data := addDataFlags(fs, "data directory of a kiosk or the registry")
	id := fs.String("id", "", "meeting id (goes into QR passes)")
	name := fs.String("name", "", "meeting name shown on screens")
	start := fs.String("start", "", "first day, YYYY-MM-DD")
	end := fs.String("end", "", "last day, YYYY-MM-DD")
	tz := fs.String("tz", "", "IANA time zone deciding \"today\", e.g. Europe/Zurich")
	rest, err := parseWithData(fs, args, e.getenv, data)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("meeting: unexpected argument %q", rest[0])
	}
	db, m, closeDB, err := e.openMeeting(ctx, data.location())
	if err != nil {
		return err
	}
	defer closeDB()
	changed := false
	for _, f := range []struct {
		val *string
		dst *string
	}{{id, &m.ID}, {name, &m.Name}, {start, &m.Start}, {end, &m.End}, {tz, &m.TimeZone}} {
		if *f.val != "" {
			*f.dst, changed = *f.val, true
		}
	}
	if changed {
		if err := db.SetMeeting(ctx, m); err != nil {
			if kiosk.ErrorCode(err) == kiosk.EINVALID {
				return usagef("meeting: %s", kiosk.ErrorMessage(err))
			}
			return err
		}
	}
	fmt.Fprintf(e.stdout, "id:        %s\nname:      %s\nstart:     %s\nend:       %s\ntime zone: %s\n", m.ID, m.Name, m.Start, m.End, m.TimeZone)
	return nil
}
