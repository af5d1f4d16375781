package importer

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"sync"
	"time"
)

// The digests let the database layer tell an unchanged row (idempotent re-import) from a changed
// one. They are SHA-256 (hex) of a canonical encoding of the normalised record: a version tag,
// then every field in a fixed order as name, length and value, so that no two records share an
// encoding. Nil and empty are distinct; dates are calendar dates (2006-01-02); floats use the
// shortest decimal that reads back to the same value. Changing the encoding changes every
// digest, hence the version tag.

const digestVersion = "ssgk-import-v1"

// canon builds the canonical encoding in one buffer and hashes it at the end. Buffers are
// pooled: a digest per row of a million-row file should not cost an allocation of its size.
type canon struct{ buf []byte }

var canonPool = sync.Pool{New: func() any { return &canon{buf: make([]byte, 0, 1024)} }}

func newCanon(kind Kind) *canon {
	c := canonPool.Get().(*canon)
	c.buf = c.buf[:0]
	c.str("version", digestVersion)
	c.str("kind", string(kind))
	return c
}

func (c *canon) str(name, v string) {
	c.buf = append(c.buf, name...)
	c.buf = append(c.buf, '=')
	c.buf = strconv.AppendInt(c.buf, int64(len(v)), 10)
	c.buf = append(c.buf, ':')
	c.buf = append(c.buf, v...)
	c.buf = append(c.buf, '\n')
}

func (c *canon) opt(name string, v *string) {
	if v == nil {
		c.str(name+"?", "nil")
		return
	}
	c.str(name, *v)
}

func (c *canon) date(name string, t *time.Time) {
	if t == nil {
		c.str(name+"?", "nil")
		return
	}
	c.str(name, formatDate(t))
}

func (c *canon) boolean(name string, b bool) { c.str(name, strconv.FormatBool(b)) }

func (c *canon) float(name string, f *float64) {
	if f == nil {
		c.str(name+"?", "nil")
		return
	}
	c.str(name, strconv.FormatFloat(*f, 'g', -1, 64))
}

func (c *canon) list(name string, l []string) {
	c.str(name+"#", strconv.Itoa(len(l)))
	for _, v := range l {
		c.str(name, v)
	}
}

func (c *canon) sum() string {
	h := sha256.Sum256(c.buf)
	if cap(c.buf) <= 64<<10 {
		canonPool.Put(c)
	}
	return hex.EncodeToString(h[:])
}

// Digest is the SHA-256 (hex) of the canonical encoding of the record.
func (t *TargetRecord) Digest() string {
	c := newCanon(KindTargets)
	c.opt("uscc", t.USCC)
	c.opt("reg_no", t.RegNo)
	c.opt("object_code", t.ObjectCode)
	c.str("kind", t.Kind)
	c.str("name", t.Name)
	c.str("legal_representative", t.LegalRepresentative)
	c.str("legal_rep_phone", t.LegalRepPhone)
	c.str("address", t.Address)
	c.str("division_code", t.DivisionCode)
	c.str("industry_code", t.IndustryCode)
	c.date("registered_on", t.RegisteredOn)
	c.str("status", t.Status)
	c.str("credit_risk_class", t.CreditRiskClass)
	c.boolean("abnormal_list", t.AbnormalList)
	c.list("licences", t.Licences)
	c.list("tags", t.Tags)
	c.str("contact_person", t.ContactPerson)
	c.str("contact_phone", t.ContactPhone)
	return c.sum()
}

// Digest is the SHA-256 (hex) of the canonical encoding of the record.
func (p *InspectorRecord) Digest() string {
	c := newCanon(KindInspectors)
	c.str("name", p.Name)
	c.str("id_number", p.IDNumber)
	c.str("phone", p.Phone)
	c.str("kind", p.Kind)
	c.opt("certificate_no", p.CertificateNo)
	c.date("certificate_expires_on", p.CertificateExpiresOn)
	c.list("qualifications", p.Qualifications)
	c.list("specialties", p.Specialties)
	c.boolean("is_expert", p.IsExpert)
	c.boolean("active", p.Active)
	return c.sum()
}

// Digest is the SHA-256 (hex) of the canonical encoding of the record.
func (it *ItemRecord) Digest() string {
	c := newCanon(KindItems)
	c.str("code", it.Code)
	c.str("name", it.Name)
	c.str("category", it.Category)
	c.str("legal_basis", it.LegalBasis)
	c.str("responsible_body", it.ResponsibleBody)
	c.str("target_type", it.TargetType)
	c.str("content", it.Content)
	c.list("methods", it.Methods)
	c.float("ratio_min", it.RatioMin)
	c.float("ratio_max", it.RatioMax)
	c.str("frequency", it.Frequency)
	c.str("inspector_requirements", it.InspectorRequirements)
	c.list("required_qualifications", it.RequiredQualifications)
	return c.sum()
}
