package main

import (
	"bufio"
	"bytes"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
)

// The garbage collector of a serving hub. A GraphQL page of 1,000 records allocates about 3 MB
// that is garbage as soon as the response is written, while what the hub keeps (the owner
// cache, the viewer cache, prepared statements) is a few tens of MB: with Go's default GOGC=100
// the collector runs every few requests and takes a quarter to a third of the CPU. serve
// therefore lets the heap grow to five times what is live (GOGC=400) and bounds it with a soft
// memory limit instead, a quarter of the machine's (or the cgroup's) memory and at least
// 256 MiB: as the heap nears it the collector runs more often again. An operator who sets GOGC
// or GOMEMLIMIT in the environment decides alone (docs/operations.md §5).
const (
	serveGCPercent     = 400
	minServeMemLimit   = 256 << 20
	serveMemLimitShare = 4 // a quarter of the memory
)

// gcPolicy is the collector setting serve applies.
type gcPolicy struct {
	Percent  int   // GOGC; 0: left as the environment says
	MemLimit int64 // GOMEMLIMIT in bytes; 0: left as the environment says
}

// serveGCPolicy works the setting out from the environment (getenv) and the memory available
// (total bytes; 0 when unknown).
func serveGCPolicy(getenv func(string) string, total int64) gcPolicy {
	var p gcPolicy
	if getenv("GOGC") == "" {
		p.Percent = serveGCPercent
	}
	if getenv("GOMEMLIMIT") == "" {
		p.MemLimit = minServeMemLimit
		if total/serveMemLimitShare > p.MemLimit {
			p.MemLimit = total / serveMemLimitShare
		}
	}
	return p
}

// apply sets the collector and returns what it set (for the log).
func (p gcPolicy) apply() gcPolicy {
	if p.Percent != 0 {
		debug.SetGCPercent(p.Percent)
	}
	if p.MemLimit != 0 {
		debug.SetMemoryLimit(p.MemLimit)
	}
	return p
}

// availableMemory is the memory the process may use: the machine's (MemTotal), or its cgroup's
// limit when lower; 0 when neither can be read.
func availableMemory() int64 {
	var total int64
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		total = memTotal(b)
	}
	for _, f := range []string{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"} {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		if n, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64); err == nil && n > 0 && (total == 0 || n < total) {
			total = n
		}
	}
	return total
}

// memTotal reads MemTotal (in kB) from the text of /proc/meminfo, in bytes.
func memTotal(meminfo []byte) int64 {
	sc := bufio.NewScanner(bytes.NewReader(meminfo))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) >= 2 && f[0] == "MemTotal:" {
			n, err := strconv.ParseInt(f[1], 10, 64)
			if err != nil {
				return 0
			}
			return n << 10
		}
	}
	return 0
}
