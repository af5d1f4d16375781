package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// killwatch watches an import (-pid) read its file (-file) through /proc/PID/fd and kills it
// with SIGKILL -after-open ms after it opened the file, or -after-close ms after it closed it
// (the rows are written; the job record and the commit follow), or never (a timed run to the
// end). It prints "open=MS close=MS killed=MS end=MS" (-1: did not happen), times from the
// process's start (10 ms resolution). A
// shell loop forks too slowly to hit the few milliseconds between closing the file and the commit.
func killwatch(args []string) error {
	fs := flag.NewFlagSet("killwatch", flag.ExitOnError)
	pid := fs.Int("pid", 0, "process")
	file := fs.String("file", "", "the file the process reads")
	afterOpen := fs.Int("after-open", -1, "kill this many ms after the file was opened")
	afterClose := fs.Int("after-close", -1, "kill this many ms after the file was closed")
	_ = fs.Parse(args)
	want, err := filepath.Abs(*file)
	if err != nil {
		return err
	}
	// Times count from the process's start (it may have run a while before this one started).
	start := time.Now().Add(-sinceStart(*pid))
	ms := func() int { return int(time.Since(start).Milliseconds()) }
	open, closed, killed := -1, -1, -1
	fdDir := fmt.Sprintf("/proc/%d/fd", *pid)
	isOpen := func() (bool, bool) { // open, alive
		ents, err := os.ReadDir(fdDir)
		if err != nil {
			return false, false
		}
		for _, e := range ents {
			if l, err := os.Readlink(filepath.Join(fdDir, e.Name())); err == nil && l == want {
				return true, true
			}
		}
		return false, true
	}
	for {
		o, alive := isOpen()
		if !alive || zombie(*pid) {
			break
		}
		switch {
		case o && open < 0:
			open = ms()
		case !o && open >= 0 && closed < 0:
			closed = ms()
		}
		if (*afterOpen >= 0 && open >= 0 && ms() >= open+*afterOpen) || (*afterClose >= 0 && closed >= 0 && ms() >= closed+*afterClose) {
			if err := syscall.Kill(*pid, syscall.SIGKILL); err == nil {
				killed = ms()
			}
			break
		}
		time.Sleep(time.Millisecond)
	}
	fmt.Printf("open=%d close=%d killed=%d end=%d\n", open, closed, killed, ms())
	return nil
}

// zombie reports whether the process has exited (and waits to be reaped by the shell).
func zombie(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return true
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	return i < 0 || i+2 >= len(s) || s[i+2] == 'Z'
}

// sinceStart is how long the process has been running: /proc/uptime less its start time
// (field 22 of /proc/PID/stat, in clock ticks of 1/100 s).
func sinceStart(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(s[i+1:]) // field 3 (state) onwards
	if len(f) < 20 {
		return 0
	}
	var ticks int64
	fmt.Sscan(f[19], &ticks)
	u, err := os.ReadFile("/proc/uptime")
	if err != nil {
		return 0
	}
	var up float64
	fmt.Sscan(string(u), &up)
	d := time.Duration(up*float64(time.Second)) - time.Duration(ticks)*10*time.Millisecond
	if d < 0 {
		return 0
	}
	return d
}
