package main

import (
	"context"
	"fmt"
	"io"
	"strconv"

	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/draw"
	"github.com/ssgk/ssgk/internal/ledger"
)

// drawAnchor is what `ssgk draw verify --url` downloads to check a bundle against the
// transparency log (docs/draw-algorithm.md §16.4): a signed checkpoint, and the record and
// inclusion proof of each event leaf the bundle lists. --save-anchor keeps it, so that the check
// can be repeated offline (--anchor) with a pinned --public-key.
type drawAnchor struct {
	Checkpoint ledger.SignedCheckpoint `json:"checkpoint"`
	Records    []ledger.Record         `json:"records"`
	Proofs     []ledger.Inclusion      `json:"proofs"`
}

// drawLogOptions are the flags of the log check.
type drawLogOptions struct {
	url, anchor, saveAnchor, publicKey string
}

func (o drawLogOptions) wanted() bool { return o.url != "" || o.anchor != "" }

// verifyDrawLog checks bundle b (already verified by draw.Verify) against the transparency log:
// downloaded from the hub (url) or read from a saved anchor file.
func verifyDrawLog(ctx context.Context, b *draw.Bundle, o drawLogOptions, stdout io.Writer) error {
	if b.Log == nil {
		return apperr.New(draw.CodeLogMismatch, "核验包没有透明日志锚定信息（log），无法与透明日志比对")
	}
	var a drawAnchor
	switch {
	case o.url != "" && o.anchor != "":
		return apperr.New(apperr.Invalid, "--url 与 --anchor 不能同时使用")
	case o.url != "":
		idx := make([]string, len(b.Log.Events))
		for i, e := range b.Log.Events {
			idx[i] = strconv.FormatInt(e.Leaf, 10)
		}
		var in ledger.Offline
		if err := ledger.Fetch(ctx, o.url, idx, &in); err != nil {
			return err
		}
		a = drawAnchor{Checkpoint: in.Checkpoint, Records: in.Records, Proofs: in.Proofs}
	default:
		if err := readJSONFile(o.anchor, "锚定", &a); err != nil {
			return err
		}
	}
	if err := checkDrawAnchor(b, a, o.publicKey, stdout); err != nil {
		return err
	}
	if o.saveAnchor != "" {
		if err := writeJSONFile(o.saveAnchor, a); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "已保存锚定信息到 %s（离线复核：ssgk draw verify 核验包 --anchor %s --public-key 中枢公钥）\n", o.saveAnchor, o.saveAnchor)
	}
	return nil
}

// checkDrawAnchor verifies the checkpoint's signature, each event leaf's record and inclusion,
// and then the bundle against the logged events.
func checkDrawAnchor(b *draw.Bundle, a drawAnchor, publicKey string, stdout io.Writer) error {
	keyText, keySource := publicKey, "--public-key 指定的公钥"
	if keyText == "" {
		keyText, keySource = a.Checkpoint.PublicKey, "检查点附带的公钥"
	}
	if keyText == "" {
		return apperr.New(ledger.CodeInvalidSignature, "检查点未附带公钥，请用 --public-key 指定中枢公钥")
	}
	pub, err := ledger.ParsePublicKey(keyText)
	if err != nil {
		return err
	}
	if err := ledger.VerifyCheckpoint(pub, a.Checkpoint); err != nil {
		return err
	}
	if len(a.Records) != len(b.Log.Events) || len(a.Proofs) != len(a.Records) {
		return apperr.New(draw.CodeLogMismatch, "锚定信息有 %d 条叶子记录、%d 个证明，核验包列出 %d 个事件", len(a.Records), len(a.Proofs), len(b.Log.Events))
	}
	evs := make([]draw.LoggedEvent, len(a.Records))
	for i, r := range a.Records {
		if r.Index != b.Log.Events[i].Leaf {
			return apperr.New(draw.CodeLogMismatch, "锚定信息的第 %d 条记录是叶子 %d，核验包列出的是叶子 %d", i+1, r.Index, b.Log.Events[i].Leaf)
		}
		if err := ledger.VerifyLeaf(r, a.Proofs[i], a.Checkpoint); err != nil {
			return err
		}
		if r.Publication == nil {
			return apperr.New(draw.CodeLogMismatch, "叶子 %d 没有附带公示内容", r.Index)
		}
		evs[i] = draw.LoggedEvent{Leaf: r.Index, SubjectType: r.Publication.SubjectType, SubjectID: r.Publication.SubjectID, Payload: r.Publication.Payload}
	}
	if err := draw.VerifyLog(b, evs); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "透明日志核验通过：%d 个抽取事件均包含于大小 %d 的日志（检查点签名有效，%s，密钥标识 %s）；外部熵与 %d 次变更与当时记入日志的一致，无遗漏、无增加\n",
		len(evs), a.Checkpoint.Size, keySource, ledger.KeyID(pub), len(b.Outcome.Amendments))
	for i, e := range b.Log.Events {
		fmt.Fprintf(stdout, "  %d. %-10s 叶子 %d  %s\n", i+1, e.Event, e.Leaf, a.Records[i].Publication.PublishedAt)
	}
	return nil
}
