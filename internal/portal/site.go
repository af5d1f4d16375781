package portal

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"sync"
	"time"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/internal/settings"
	"github.com/ssgk/ssgk/internal/viewer"
)

// siteTTL is how long the portal keeps the site identity before reading it again: a change by
// `ssgk site set` (another process) shows within this time, without a restart.
const siteTTL = 10 * time.Second

// siteCache keeps the site identity (settings.Site) for siteTTL.
type siteCache struct {
	client *ent.Client

	mu   sync.Mutex
	at   time.Time
	site loadedSite
}

type loadedSite struct {
	settings.Site
	hash string // part of every ETag: a changed footer is a changed page
}

func (c *siteCache) get(ctx context.Context) (loadedSite, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.at.IsZero() && time.Since(c.at) < siteTTL {
		return c.site, nil
	}
	// The site identity is the operator's configuration, not a record any viewer owns.
	s, err := settings.LoadSite(viewer.NewContext(ctx, viewer.NewSystem("portal")), c.client)
	if err != nil {
		return loadedSite{}, err
	}
	b, _ := json.Marshal(s)
	sum := sha256.Sum256(b)
	c.site, c.at = loadedSite{Site: s, hash: hex.EncodeToString(sum[:8])}, time.Now()
	return c.site, nil
}

// faviconSVG is the portal's icon: the seal-red square with 公 (公示), drawn as SVG so that it
// is a few hundred bytes and sharp at any size.
const faviconSVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">` +
	`<rect width="64" height="64" rx="12" fill="#b3261e"/>` +
	`<path d="M25 14 12 36h7l10-18zm14 0-4 4 12 18h7zM30 33 20 52h28l-4-7-6 1 2 4H29l7-14z" fill="#fff"/></svg>`

// favicon serves the icon at /favicon.ico and /favicon.svg (browsers ask for the former by
// themselves; the pages link the latter).
func favicon(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Header().Set("Cache-Control", "public, max-age=86400")
	_, _ = w.Write([]byte(faviconSVG))
}
