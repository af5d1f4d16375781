package main

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/httperr"
	"github.com/ssgk/ssgk/internal/ledger"
	"github.com/ssgk/ssgk/internal/store"
	"github.com/ssgk/ssgk/internal/txn"
	"github.com/ssgk/ssgk/internal/viewer"
)

// verifyInput is everything an offline verification looks at.
type verifyInput struct {
	checkpoint  ledger.SignedCheckpoint
	publicKey   string // pinned by the user; "" → the old checkpoint's, then the checkpoint's own
	old         *ledger.SignedCheckpoint
	consistency *ledger.Consistency
	records     []ledger.Record
	proofs      []ledger.Inclusion
}

// ledgerVerifyFlags are the flags of ssgk ledger verify.
type ledgerVerifyFlags struct {
	Checkpoint     string   // --checkpoint: the checkpoint file
	PublicKey      string   // --public-key: the hub's key, Base64 or a file holding it
	OldCheckpoint  string   // --old-checkpoint: a checkpoint saved earlier
	Consistency    string   // --consistency: the proof from the old checkpoint to the new
	URL            string   // --url: download the checkpoint and proofs from this hub
	SaveCheckpoint string   // --save-checkpoint: keep the verified checkpoint (--url)
	Records        []string // --record…: leaf records, paired with Proofs
	Proofs         []string // --proof…: inclusion proofs
	Indexes        []string // --index…: leaves to verify (--url)
}

// runLedgerVerify: ssgk ledger verify — offline (files) or online (--url).
func runLedgerVerify(ctx context.Context, o ledgerVerifyFlags, stdout io.Writer) error {
	cpFile, pubKey, oldFile, consFile, hubURL, saveCP := &o.Checkpoint, &o.PublicKey, &o.OldCheckpoint, &o.Consistency, &o.URL, &o.SaveCheckpoint
	records, proofs, indexes := o.Records, o.Proofs, o.Indexes
	in := verifyInput{publicKey: *pubKey}
	if in.publicKey != "" {
		if b, err := os.ReadFile(in.publicKey); err == nil {
			in.publicKey = string(b)
		}
	}
	if *oldFile != "" {
		in.old = new(ledger.SignedCheckpoint)
		if err := readJSONFile(*oldFile, "旧检查点", in.old); err != nil {
			return err
		}
	}
	if *hubURL != "" {
		if *cpFile != "" || *consFile != "" || len(records) > 0 || len(proofs) > 0 {
			return apperr.New(apperr.Invalid, "--url 与 --checkpoint、--consistency、--record、--proof 不能同时使用")
		}
		if err := fetchVerifyInput(ctx, *hubURL, indexes, &in); err != nil {
			return err
		}
		if err := verifyLedger(in, stdout); err != nil {
			return err
		}
		if *saveCP != "" { // only a verified checkpoint is kept for next time
			if err := writeJSONFile(*saveCP, in.checkpoint); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "已保存检查点到 %s（下次核验时用 --old-checkpoint 指定）\n", *saveCP)
		}
		return nil
	}
	if *cpFile == "" {
		return apperr.New(apperr.Invalid, "请用 --checkpoint 指定检查点文件，或用 --url 指定中枢地址")
	}
	if len(indexes) > 0 || *saveCP != "" {
		return apperr.New(apperr.Invalid, "--index 与 --save-checkpoint 只用于 --url 在线核验")
	}
	if err := readJSONFile(*cpFile, "检查点", &in.checkpoint); err != nil {
		return err
	}
	if *consFile != "" {
		in.consistency = new(ledger.Consistency)
		if err := readJSONFile(*consFile, "一致性证明", in.consistency); err != nil {
			return err
		}
	}
	if len(records) != len(proofs) {
		return apperr.New(apperr.Invalid, "--record 与 --proof 须成对给出（收到 %d 个记录、%d 个证明）", len(records), len(proofs))
	}
	for i := range records {
		var r ledger.Record
		var p ledger.Inclusion
		if err := readJSONFile(records[i], "叶子记录", &r); err != nil {
			return err
		}
		if err := readJSONFile(proofs[i], "包含证明", &p); err != nil {
			return err
		}
		in.records, in.proofs = append(in.records, r), append(in.proofs, p)
	}
	return verifyLedger(in, stdout)
}

// verifyLedger is the offline verification: the same for files and for downloads.
func verifyLedger(in verifyInput, stdout io.Writer) error {
	cp := in.checkpoint
	keyText, keySource := in.publicKey, "--public-key 指定的公钥"
	switch {
	case keyText != "":
	case in.old != nil && in.old.PublicKey != "":
		keyText, keySource = in.old.PublicKey, "旧检查点中的公钥"
	case cp.PublicKey != "":
		keyText, keySource = cp.PublicKey, "检查点附带的公钥"
	default:
		return apperr.New(ledger.CodeInvalidSignature, "检查点未附带公钥，请用 --public-key 指定中枢公钥")
	}
	pub, err := ledger.ParsePublicKey(keyText)
	if err != nil {
		return err
	}
	if err := ledger.VerifyCheckpoint(pub, cp); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "检查点签名有效：日志大小 %d，根哈希 %s，签署时间 %s（%s，密钥标识 %s）\n", cp.Size, cp.Root, cp.At, keySource, ledger.KeyID(pub))
	if keySource == "检查点附带的公钥" {
		fmt.Fprintln(stdout, "提示：公钥取自检查点本身。请用 --public-key 指定另行核对过的中枢公钥，或保存本检查点供下次比对。")
	}
	failures := 0
	fail := func(err error) {
		failures++
		ae := apperr.From(err)
		fmt.Fprintf(stdout, "✗ [%s] %s\n", ae.Code, ae.Message)
	}
	if in.old != nil {
		if err := verifyOld(pub, *in.old, cp, in.consistency); err != nil {
			fail(err)
		} else {
			fmt.Fprintf(stdout, "✓ 一致性：旧检查点（大小 %d，%s）是当前日志的前缀，此前公示的内容未被改动或删除\n", in.old.Size, in.old.At)
		}
	} else if in.consistency != nil {
		return apperr.New(apperr.Invalid, "给出了 --consistency 却没有 --old-checkpoint")
	}
	for i, rec := range in.records {
		if err := verifyOne(rec, in.proofs[i], cp); err != nil {
			fail(err)
			continue
		}
		what := fmt.Sprintf("第 %d 片叶子", rec.Index)
		if p := rec.Publication; p != nil {
			what = fmt.Sprintf("公示 #%d（%s，%s）= %s", p.ID, p.Title, p.Kind, what)
		}
		fmt.Fprintf(stdout, "✓ %s：内容摘要一致，包含于大小 %d 的日志\n", what, cp.Size)
	}
	if failures > 0 {
		return apperr.New(ledger.CodeInvalidProof, "透明日志核验失败：%d 项不成立", failures)
	}
	fmt.Fprintf(stdout, "核验通过：检查点签名%s%s\n", map[bool]string{true: "、一致性证明", false: ""}[in.old != nil],
		map[bool]string{true: fmt.Sprintf("、%d 条公示的包含证明", len(in.records)), false: ""}[len(in.records) > 0])
	return nil
}

// verifyOld checks an earlier checkpoint and the consistency of the log since.
func verifyOld(pub ed25519.PublicKey, old, cp ledger.SignedCheckpoint, cons *ledger.Consistency) error {
	if old.KeyID != cp.KeyID {
		return apperr.New(ledger.CodeInvalidSignature, "旧检查点由密钥 %s 签署，当前检查点由 %s 签署：中枢签名密钥已更换，请向中枢核实", old.KeyID, cp.KeyID)
	}
	if err := ledger.VerifyCheckpoint(pub, old); err != nil {
		return apperr.New(ledger.CodeInvalidSignature, "旧检查点：%s", apperr.From(err).Message)
	}
	if old.Size > cp.Size {
		return apperr.New(ledger.CodeInvalidProof, "旧检查点记载日志有 %d 片叶子，当前检查点只有 %d 片：日志被截短", old.Size, cp.Size)
	}
	if cons == nil {
		if old.Size == cp.Size {
			cons = &ledger.Consistency{First: old.Size, Second: cp.Size}
		} else {
			return apperr.New(apperr.Invalid, "请用 --consistency 给出从大小 %d 到 %d 的一致性证明", old.Size, cp.Size)
		}
	}
	if cons.First != old.Size || cons.Second != cp.Size {
		return apperr.New(ledger.CodeInvalidProof, "一致性证明是从大小 %d 到 %d 的，而检查点是从 %d 到 %d", cons.First, cons.Second, old.Size, cp.Size)
	}
	return ledger.VerifyConsistency(*cons, old.Root, cp.Root)
}

// verifyOne checks one record and its inclusion in the checkpoint.
func verifyOne(rec ledger.Record, p ledger.Inclusion, cp ledger.SignedCheckpoint) error {
	if _, err := ledger.VerifyRecord(rec); err != nil {
		return err
	}
	if p.Index != rec.Index {
		return apperr.New(ledger.CodeInvalidProof, "包含证明是第 %d 片叶子的，记录却是第 %d 片", p.Index, rec.Index)
	}
	if p.Size != cp.Size {
		return apperr.New(ledger.CodeInvalidProof, "第 %d 片叶子的包含证明针对大小 %d 的日志，检查点的大小是 %d：请下载与检查点同大小的证明", rec.Index, p.Size, cp.Size)
	}
	return ledger.VerifyInclusion(p, rec.LeafHash, cp.Root)
}

// fetchVerifyInput downloads the checkpoint, the consistency proof from the old checkpoint and
// the records and inclusion proofs of the given leaves.
func fetchVerifyInput(ctx context.Context, base string, indexes []string, in *verifyInput) error {
	base = strings.TrimRight(base, "/")
	if u, err := url.Parse(base); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return apperr.New(apperr.Invalid, "中枢地址无效：%s（应为 http://主机:端口）", base)
	}
	client := &http.Client{Timeout: 60 * time.Second}
	if err := getJSON(ctx, client, base+"/ledger/checkpoint", &in.checkpoint); err != nil {
		return err
	}
	size := in.checkpoint.Size
	if in.old != nil && in.old.Size <= size {
		in.consistency = new(ledger.Consistency)
		u := fmt.Sprintf("%s/ledger/proof/consistency?first=%d&second=%d", base, in.old.Size, size)
		if err := getJSON(ctx, client, u, in.consistency); err != nil {
			return err
		}
	}
	for _, s := range indexes {
		idx, err := strconv.ParseInt(s, 10, 64)
		if err != nil || idx < 0 {
			return apperr.New(apperr.Invalid, "叶子序号无效：%s", s)
		}
		if idx >= size {
			return apperr.New(ledger.CodeSizeOutOfRange, "叶子序号 %d 不在当前检查点（大小 %d）内", idx, size)
		}
		var r ledger.Record
		var p ledger.Inclusion
		if err := getJSON(ctx, client, fmt.Sprintf("%s/ledger/leaves/%d", base, idx), &r); err != nil {
			return err
		}
		if err := getJSON(ctx, client, fmt.Sprintf("%s/ledger/proof/inclusion?index=%d&size=%d", base, idx, size), &p); err != nil {
			return err
		}
		in.records, in.proofs = append(in.records, r), append(in.proofs, p)
	}
	return nil
}

func getJSON(ctx context.Context, client *http.Client, u string, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return apperr.Wrap(err, apperr.Internal, "无法连接中枢：%v", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return apperr.Wrap(err, apperr.Internal, "读取 %s 失败：%v", u, err)
	}
	if resp.StatusCode != http.StatusOK {
		if e, ok := httperr.Parse(body); ok {
			return apperr.New(e.Code, "中枢答复：%s", e.Message)
		}
		return apperr.New(apperr.Internal, "中枢答复 HTTP %d：%s", resp.StatusCode, u)
	}
	if err := json.Unmarshal(body, out); err != nil {
		return apperr.Wrap(err, apperr.Invalid, "中枢答复不是有效的 JSON（%s）：%v", u, err)
	}
	return nil
}

func readJSONFile(path, what string, out any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return apperr.Wrap(err, apperr.NotFound, "无法读取%s文件 %s", what, path)
	}
	if err := json.Unmarshal(b, out); err != nil {
		return apperr.Wrap(err, apperr.Invalid, "%s文件 %s 不是有效的 JSON：%v", what, path, err)
	}
	return nil
}

func writeJSONFile(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// openLedgerStore opens the database for an online ledger command.
func openLedgerStore(ctx context.Context, name string, cfg *config) (*store.DB, context.Context, error) {
	db, err := store.Open(ctx, store.Options{DatabaseURL: cfg.DatabaseURL, DataDir: cfg.DataDir})
	if err != nil {
		return nil, nil, err
	}
	return db, viewer.NewContext(ctx, viewer.NewSystem("ssgk "+name)), nil
}

// runLedgerAudit: ssgk ledger audit [--public-key KEY].
func runLedgerAudit(ctx context.Context, cfg *config, pubKey string, stdout io.Writer) error {
	db, ctx, err := openLedgerStore(ctx, "ledger audit", cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	var keys []ed25519.PublicKey
	if pubKey != "" {
		if b, err := os.ReadFile(pubKey); err == nil {
			pubKey = string(b)
		}
		pub, err := ledger.ParsePublicKey(pubKey)
		if err != nil {
			return err
		}
		keys = append(keys, pub)
	} else if key, err := ledger.LoadKey(cfg.DataDir); err == nil {
		keys = append(keys, key.Public().(ed25519.PublicKey))
	} else if !errors.Is(err, os.ErrNotExist) {
		return err
	}
	rep, err := ledger.AuditLog(ctx, db.Client, keys...)
	if err != nil {
		return err
	}
	if len(rep.Problems) == 0 {
		fmt.Fprintf(stdout, "透明日志校验通过：%d 片叶子，根哈希 %s；%d 个检查点的根哈希一致，%d 个签名有效",
			rep.Leaves, rep.Root, rep.Checkpoints, rep.SignaturesChecked)
		if rep.SignaturesUnchecked > 0 {
			fmt.Fprintf(stdout, "，%d 个由其他密钥签署未核验签名", rep.SignaturesUnchecked)
		}
		fmt.Fprintln(stdout)
		return nil
	}
	for _, p := range rep.Problems {
		fmt.Fprintln(stdout, p.String())
	}
	return apperr.New(ledger.CodeInconsistent, "透明日志校验失败：发现 %d 处问题（共 %d 片叶子）", len(rep.Problems), rep.Leaves)
}

// runLedgerCheckpoint: ssgk ledger checkpoint [--out FILE].
func runLedgerCheckpoint(ctx context.Context, cfg *config, out string, stdout io.Writer) error {
	db, ctx, err := openLedgerStore(ctx, "ledger checkpoint", cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	key, err := ledger.LoadOrCreateKey(cfg.DataDir)
	if err != nil {
		return err
	}
	cp, err := ledger.Checkpoint(ctx, db.Client, key)
	if err != nil {
		return err
	}
	if out != "" {
		if err := writeJSONFile(out, cp); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "检查点（大小 %d，根哈希 %s）已写入 %s\n", cp.Size, cp.Root, out)
		return nil
	}
	b, _ := json.MarshalIndent(cp, "", "  ")
	fmt.Fprintln(stdout, string(b))
	return nil
}

// runLedgerBackfill: ssgk ledger backfill.
func runLedgerBackfill(ctx context.Context, cfg *config, stdout io.Writer) error {
	db, ctx, err := openLedgerStore(ctx, "ledger backfill", cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	n := 0
	err = txn.Run(ctx, db.Client, func(tx *ent.Tx) error {
		n, err = ledger.Backfill(ctx, tx)
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "已把 %d 条公示追加到透明日志\n", n)
	return nil
}
