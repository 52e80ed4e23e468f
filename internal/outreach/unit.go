package outreach

import (
	"slices"
	"strings"
)

// Unit types, as the law names them (ASCII forms of the Vietnamese terms;
// docs/glossary.md maps them).
const (
	UnitCountry     = "quoc_gia"     // quốc gia: the root of the tree
	UnitTinh        = "tinh"         // tỉnh
	UnitCentralCity = "thanh_pho_tw" // thành phố trực thuộc trung ương (province level)
	UnitCity        = "thanh_pho"    // thành phố (district level)
	UnitTown        = "thi_xa"       // thị xã
	UnitHuyen       = "huyen"        // huyện
	UnitQuan        = "quan"         // quận (urban district)
	UnitPhuong      = "phuong"       // phường
	UnitXa          = "xa"           // xã
	UnitThiTran     = "thi_tran"     // thị trấn
	UnitDacKhu      = "dac_khu"      // đặc khu (special zone, commune level from 2025-07-01)
)

// ValidUnitCode reports whether s can be a unit code: 1–12 letters or
// digits (GSO codes are 2, 3 or 5 digits). Codes build the paths subtree
// queries match on, so "/", "%" and "_" can never appear in one.
func ValidUnitCode(s string) bool {
	if len(s) == 0 || len(s) > 12 {
		return false
	}
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z') {
			return false
		}
	}
	return true
}

// UnitTypes lists the valid unit types.
var UnitTypes = []string{UnitCountry, UnitTinh, UnitCentralCity, UnitCity, UnitTown, UnitHuyen, UnitQuan, UnitPhuong, UnitXa, UnitThiTran, UnitDacKhu}

// CountryCode is the code of the root of the unit tree: the country, in
// force over every date. Every province hangs under it; a unit file may
// leave a province's parent empty and it is read as the country.
const CountryCode = "VN"

// Unit levels: the tier of government a unit's type belongs to, stored
// with each version. They order a unit below its parent and label it; what
// a unit is in the tree (the plan's whole area, a leaf) comes from the
// tree as of a date, never from a level number: after the 2025 reform
// there is no district tier, and communes sit directly under provinces.
const (
	LevelCountry  = 0 // cả nước
	LevelProvince = 1 // cấp tỉnh
	LevelDistrict = 2 // cấp huyện
	LevelCommune  = 3 // cấp xã
)

// CommuneTypes are the types of the commune tier, the leaves of the tree
// the targets count ("commune" in the plans: xã, phường, thị trấn, and
// from 2025 the special zones).
var CommuneTypes = []string{UnitXa, UnitPhuong, UnitThiTran, UnitDacKhu}

// ProvinceTypes are the types of the provincial tier.
var ProvinceTypes = []string{UnitTinh, UnitCentralCity}

// Unit is one version of an administrative unit: a period during which its
// code, name, type, level and parent stayed the same. A unit that is
// renamed, upgraded, moved under a new parent or re-formed gets a new
// version, linked to the old one by a UnitChange.
type Unit struct {
	ID         int64  `json:"-"`
	Code       string `json:"code"`
	Name       string `json:"name"`
	Type       string `json:"type"`
	Level      int    `json:"level"`
	ParentCode string `json:"parent_code,omitempty"`
	// Path is the codes from the root down to this unit, joined by "/"; a
	// subtree is every unit whose path starts with this one's plus "/".
	Path string `json:"-"`
	// ValidFrom is empty when the unit existed before the records start;
	// ValidTo (exclusive) is empty while the unit is in force.
	ValidFrom string `json:"valid_from,omitempty"`
	ValidTo   string `json:"valid_to,omitempty"`
}

// ValidAt reports whether the version is in force on the ISO date d.
func (u Unit) ValidAt(d string) bool { return ValidAt(u.ValidFrom, u.ValidTo, d) }

// IsCommune reports whether the unit is a commune (xã, phường, thị trấn,
// đặc khu): a leaf of the commune types.
func (u Unit) IsCommune() bool { return slices.Contains(CommuneTypes, u.Type) }

// IsProvince reports whether the unit is a province or a centrally run city.
func (u Unit) IsProvince() bool { return slices.Contains(ProvinceTypes, u.Type) }

// IsCountry reports whether the unit is the root of the tree.
func (u Unit) IsCountry() bool { return u.Type == UnitCountry }

// Under reports whether the unit is the one at path or lies below it.
func (u Unit) Under(path string) bool {
	return path != "" && (u.Path == path || strings.HasPrefix(u.Path, path+"/"))
}

// Portions of a unit a change moves to a successor.
const (
	PortionFull    = "full"
	PortionPartial = "partial"
)

// UnitChange links a unit version to a successor: merged into, split
// into, upgraded, re-formed. New is nil when the unit was abolished without
// a successor (the district level in 2025).
type UnitChange struct {
	Date    string `json:"date"`
	Kind    string `json:"kind"`
	Old     Unit   `json:"old"`
	New     *Unit  `json:"new,omitempty"`
	Portion string `json:"portion,omitempty"`
	Basis   string `json:"basis,omitempty"`
	Note    string `json:"note,omitempty"`
	// Confidence is how the source found the link, as it words it
	// ("high", "manual:low", "record:name", "verified"…); empty when the
	// source does not say. Uncertain flags a link the source doubts (which
	// unit the area went to) or a partial link without a share (how much
	// of it), so pages can mark the figures it carries.
	Confidence string `json:"confidence,omitempty"`
	Uncertain  bool   `json:"uncertain,omitempty"`
}

// UnitHistory is one unit's line of versions and the changes into and out
// of each, as far back and forward as the records go.
type UnitHistory struct {
	Versions []Unit       `json:"versions"`
	Changes  []UnitChange `json:"changes"`
	// Unresolved lists the versions of the lineage whose successor or
	// predecessor no source names (the national register's 2024–2025
	// commune mergers the GSO record predates).
	Unresolved []UnresolvedChange `json:"unresolved,omitempty"`
}

// What an unresolved change does not know.
const (
	UnknownSuccessor   = "successor"   // the version ended; where its area went is not known
	UnknownPredecessor = "predecessor" // the version began; where its area came from is not known
)

// UnresolvedChange is a change of the records no source resolves: a
// version that ended (or began) on Date with no known successor (or
// predecessor). Figures recorded against a version without a successor
// still count in the units above it (the crosswalk passes them up).
type UnresolvedChange struct {
	Date    string `json:"date"`
	Unit    Unit   `json:"unit"`
	Unknown string `json:"unknown"`
	Reason  string `json:"reason,omitempty"`
}

// Population is a census figure for a unit and a group at a reference date.
type Population struct {
	UnitCode string `json:"unit_code"`
	RefDate  string `json:"ref_date"`
	Group    string `json:"group"`
	Value    int64  `json:"value"`
	Source   string `json:"source"`
}

// Reasons a commune is a key area (địa bàn trọng điểm), as plan II.2 lists them.
const (
	ReasonCasesOccurred   = "cases_occurred"   // có vụ việc xảy ra
	ReasonVictimsReturned = "victims_returned" // có nạn nhân bị mua bán trở về
	ReasonHighRisk        = "high_risk"        // nhiều nguy cơ nảy sinh vụ việc
)

// KeyAreaReasons lists the valid reasons.
var KeyAreaReasons = []string{ReasonCasesOccurred, ReasonVictimsReturned, ReasonHighRisk}

// KeyArea marks a commune as a key area of a plan for a year.
type KeyArea struct {
	PlanCode string   `json:"plan"`
	Unit     Unit     `json:"unit"`
	Year     int      `json:"year"`
	Reasons  []string `json:"reasons"`
	Note     string   `json:"note,omitempty"`
}
