package soak

import "syscall"

// procAttr makes a child die with the rehearsal, even when the rehearsal
// itself is killed: no kiosk is left behind serving.
func procAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
