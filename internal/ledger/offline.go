package ledger

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/httperr"
)

// Offline verification of the log (`ssgk ledger verify`): from files, or from what Fetch
// downloads from a hub — the same checks either way, needing nothing but the hub's public key.

// Offline is everything an offline verification looks at.
type Offline struct {
	Checkpoint  SignedCheckpoint
	PublicKey   string // pinned by the user; "" → the old checkpoint's, then the checkpoint's own
	Old         *SignedCheckpoint
	Consistency *Consistency // from Old to Checkpoint
	Records     []Record
	Proofs      []Inclusion // Proofs[i] is the inclusion proof of Records[i]
}

// KeySource says where the key that verified a checkpoint came from.
type KeySource int

// Where the key came from, most trusted first.
const (
	KeyPinned         KeySource = iota // given by the user (--public-key)
	KeyFromOld                         // the earlier checkpoint's, checked before
	KeyFromCheckpoint                  // the checkpoint's own: proves only that it is intact
)

// OfflineReport is the outcome of VerifyOffline once the checkpoint's signature holds.
type OfflineReport struct {
	Key       ed25519.PublicKey
	KeySource KeySource
	// Old is the outcome of the consistency check against the old checkpoint (nil: it holds);
	// meaningless without Offline.Old.
	Old error
	// Leaves are the outcomes of the records, in order (nil: the record and its inclusion hold).
	Leaves []error
}

// Failures is how many checks did not hold.
func (r *OfflineReport) Failures() int {
	n := 0
	if r.Old != nil {
		n++
	}
	for _, err := range r.Leaves {
		if err != nil {
			n++
		}
	}
	return n
}

// VerifyOffline checks the checkpoint's signature, then the consistency with the old checkpoint
// and each record with its inclusion proof. The report is nil when the checkpoint itself does
// not verify; the error is set when the checkpoint does not verify or the input is incomplete —
// the outcome of each other check is in the report.
func VerifyOffline(in Offline) (*OfflineReport, error) {
	cp := in.Checkpoint
	rep := &OfflineReport{}
	keyText := in.PublicKey
	switch {
	case keyText != "":
		rep.KeySource = KeyPinned
	case in.Old != nil && in.Old.PublicKey != "":
		keyText, rep.KeySource = in.Old.PublicKey, KeyFromOld
	case cp.PublicKey != "":
		keyText, rep.KeySource = cp.PublicKey, KeyFromCheckpoint
	default:
		return nil, apperr.New(CodeInvalidSignature, "检查点未附带公钥，请用 --public-key 指定中枢公钥")
	}
	pub, err := ParsePublicKey(keyText)
	if err != nil {
		return nil, err
	}
	if err := VerifyCheckpoint(pub, cp); err != nil {
		return nil, err
	}
	rep.Key = pub
	if in.Old != nil {
		rep.Old = VerifyAgainstOld(pub, *in.Old, cp, in.Consistency)
	} else if in.Consistency != nil {
		return rep, apperr.New(apperr.Invalid, "给出了 --consistency 却没有 --old-checkpoint")
	}
	if len(in.Proofs) != len(in.Records) {
		return rep, apperr.New(apperr.Invalid, "--record 与 --proof 须成对给出（收到 %d 个记录、%d 个证明）", len(in.Records), len(in.Proofs))
	}
	for i, rec := range in.Records {
		rep.Leaves = append(rep.Leaves, VerifyLeaf(rec, in.Proofs[i], cp))
	}
	return rep, nil
}

// VerifyAgainstOld checks an earlier checkpoint old, signed with the same key pub, and the
// consistency proof cons from it to cp (none is needed when the sizes are equal).
func VerifyAgainstOld(pub ed25519.PublicKey, old, cp SignedCheckpoint, cons *Consistency) error {
	if old.KeyID != cp.KeyID {
		return apperr.New(CodeInvalidSignature, "旧检查点由密钥 %s 签署，当前检查点由 %s 签署：中枢签名密钥已更换，请向中枢核实", old.KeyID, cp.KeyID)
	}
	if err := VerifyCheckpoint(pub, old); err != nil {
		return apperr.New(CodeInvalidSignature, "旧检查点：%s", apperr.From(err).Message)
	}
	if old.Size > cp.Size {
		return apperr.New(CodeInvalidProof, "旧检查点记载日志有 %d 片叶子，当前检查点只有 %d 片：日志被截短", old.Size, cp.Size)
	}
	if cons == nil {
		if old.Size == cp.Size {
			cons = &Consistency{First: old.Size, Second: cp.Size}
		} else {
			return apperr.New(apperr.Invalid, "请用 --consistency 给出从大小 %d 到 %d 的一致性证明", old.Size, cp.Size)
		}
	}
	if cons.First != old.Size || cons.Second != cp.Size {
		return apperr.New(CodeInvalidProof, "一致性证明是从大小 %d 到 %d 的，而检查点是从 %d 到 %d", cons.First, cons.Second, old.Size, cp.Size)
	}
	return VerifyConsistency(*cons, old.Root, cp.Root)
}

// VerifyLeaf checks one record (VerifyRecord) and its inclusion in the checkpoint cp.
func VerifyLeaf(rec Record, p Inclusion, cp SignedCheckpoint) error {
	if _, err := VerifyRecord(rec); err != nil {
		return err
	}
	if p.Index != rec.Index {
		return apperr.New(CodeInvalidProof, "包含证明是第 %d 片叶子的，记录却是第 %d 片", p.Index, rec.Index)
	}
	if p.Size != cp.Size {
		return apperr.New(CodeInvalidProof, "第 %d 片叶子的包含证明针对大小 %d 的日志，检查点的大小是 %d：请下载与检查点同大小的证明", rec.Index, p.Size, cp.Size)
	}
	return VerifyInclusion(p, rec.LeafHash, cp.Root)
}

// Fetch downloads from the hub at base (http://host:port) the checkpoint, the consistency proof
// from in.Old when set, and the records and inclusion proofs of the given leaves, into in.
func Fetch(ctx context.Context, base string, indexes []string, in *Offline) error {
	base = strings.TrimRight(base, "/")
	if u, err := url.Parse(base); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return apperr.New(apperr.Invalid, "中枢地址无效：%s（应为 http://主机:端口）", base)
	}
	client := &http.Client{Timeout: 60 * time.Second}
	if err := getJSON(ctx, client, base+"/ledger/checkpoint", &in.Checkpoint); err != nil {
		return err
	}
	size := in.Checkpoint.Size
	if in.Old != nil && in.Old.Size <= size {
		in.Consistency = new(Consistency)
		u := fmt.Sprintf("%s/ledger/proof/consistency?first=%d&second=%d", base, in.Old.Size, size)
		if err := getJSON(ctx, client, u, in.Consistency); err != nil {
			return err
		}
	}
	for _, s := range indexes {
		idx, err := strconv.ParseInt(s, 10, 64)
		if err != nil || idx < 0 {
			return apperr.New(apperr.Invalid, "叶子序号无效：%s", s)
		}
		if idx >= size {
			return apperr.New(CodeSizeOutOfRange, "叶子序号 %d 不在当前检查点（大小 %d）内", idx, size)
		}
		var r Record
		var p Inclusion
		if err := getJSON(ctx, client, fmt.Sprintf("%s/ledger/leaves/%d", base, idx), &r); err != nil {
			return err
		}
		if err := getJSON(ctx, client, fmt.Sprintf("%s/ledger/proof/inclusion?index=%d&size=%d", base, idx, size), &p); err != nil {
			return err
		}
		in.Records, in.Proofs = append(in.Records, r), append(in.Proofs, p)
	}
	return nil
}

// getJSON reads one answer of the hub; an error answer (httperr) becomes its code and message.
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
