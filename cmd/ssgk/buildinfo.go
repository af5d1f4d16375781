package main

// Build information, set by deploy/release.sh through
// -ldflags "-X main.version=… -X main.commit=… -X main.buildDate=…"; empty in a development build.
var (
	version   string
	commit    string
	buildDate string
)

// versionString is "v1.2.3 (commit, build date)", or "开发版本" for a build without release
// information.
func versionString() string {
	if version == "" {
		return "开发版本"
	}
	s := version
	if commit != "" || buildDate != "" {
		s += " (" + commit + " " + buildDate + ")"
	}
	return s
}
