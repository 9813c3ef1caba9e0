//go:build !linux

package soak

import "syscall"

// procAttr: without Linux's parent-death signal, children are ended by
// the rehearsal as it ends.
func procAttr() *syscall.SysProcAttr { return nil }
