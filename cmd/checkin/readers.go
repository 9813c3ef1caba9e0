package main

import (
	"context"
	"fmt"
	"text/tabwriter"

	"checkin/badge/serialreader"
)

// runReaders lists serial ports with the --reader value to paste for each.
func runReaders(_ context.Context, e *env, args []string) error {
	fs := newFlagSet("readers", "readers", e.stderr)
	rest, err := parseFlags(fs, args, e.getenv)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("readers: unexpected argument %q", rest[0])
	}
	ports, err := serialreader.ListPorts()
	if err != nil {
		return fmt.Errorf("readers: %w", err)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "PATH\tUSB VID:PID\tSERIAL\tMANUFACTURER\tPRODUCT\t--reader")
	for _, p := range ports {
		usb := "-"
		if p.IsUSB {
			usb = p.VID + ":" + p.PID
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", p.Path, usb, dash(p.SerialNumber), dash(p.Manufacturer), dash(p.Product), p.ReaderArg())
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(ports) == 0 {
		fmt.Fprintln(e.stderr, "no serial ports found: plug in a reader (USB readers appear as /dev/ttyUSB* or /dev/ttyACM*)")
	}
	return nil
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
