package demo

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"outreach/internal/outreach"
)

// Random helpers. All draw from w.r, in a fixed order.

func (w *world) between(lo, hi float64) float64 { return lo + w.r.Float64()*(hi-lo) }

// intn returns an int in [lo, hi].
func (w *world) intn(lo, hi int) int { return lo + w.r.IntN(hi-lo+1) }

func (w *world) chance(p float64) bool { return w.r.Float64() < p }

func pick[T any](w *world, xs []T) T { return xs[w.r.IntN(len(xs))] }

// weighted picks an index with probability proportional to its weight.
func (w *world) weighted(ws []float64) int {
	var sum float64
	for _, x := range ws {
		sum += x
	}
	x := w.r.Float64() * sum
	for i, v := range ws {
		if x < v {
			return i
		}
		x -= v
	}
	return len(ws) - 1
}

// stochastic rounds x up or down at random, keeping its expectation.
func (w *world) stochastic(x float64) int {
	n := math.Floor(x)
	if w.r.Float64() < x-n {
		n++
	}
	return int(n)
}

// money returns an amount in đồng between lo and hi million, rounded to
// 50,000 (10,000 under a million).
func (w *world) money(lo, hi float64) int64 {
	v := w.between(lo, hi) * 1e6
	step := 50_000.0
	if v < 1e6 {
		step = 10_000
	}
	return int64(math.Round(v/step) * step)
}

// funding names the source of an activity's cost: the state budget mostly,
// the crime-prevention fund sometimes (more often for the police), foreign
// aid rarely (the women's union and justice department's projects).
func (w *world) funding(agency string) string {
	x := w.r.Float64()
	fund := 0.10
	if agency == "bk-ca" {
		fund = 0.30
	}
	switch {
	case (agency == "bk-hlhpn" || agency == "bk-stp") && x < 0.05:
		return "vien-tro"
	case x > 1-fund:
		return "quy-phong-chong-toi-pham"
	}
	return "ngan-sach"
}

func (w *world) setCost(a *outreach.Activity, lo, hi float64) {
	a.Cost = w.money(lo, hi)
	if a.Cost > 0 {
		a.FundingSource = w.funding(a.Agency)
		if a.FundingSource == "vien-tro" {
			a.Notes = "Kinh phí do dự án hỗ trợ phòng, chống mua bán người (viện trợ không hoàn lại) tài trợ."
		}
	}
}

func n64(n int64) *int64 { return &n }

// audience makes an audience of total people-times with the shares given
// (children 0 leaves them unknown).
func (w *world) audience(total int64, womenLo, womenHi, childLo, childHi, ethLo, ethHi float64) outreach.Audience {
	if total < 1 {
		total = 1
	}
	women := int64(math.Round(float64(total) * w.between(womenLo, womenHi)))
	au := outreach.Audience{Total: n64(total), Women: n64(women), Men: n64(total - women),
		EthnicMinority: n64(int64(math.Round(float64(total) * w.between(ethLo, ethHi))))}
	if childHi > 0 {
		au.Children1416 = n64(int64(math.Round(float64(total) * w.between(childLo, childHi))))
	}
	return au
}

// community is the audience of meetings in the communes: between lo and
// hi of their people (a village meeting reaches 1–8 % of a commune).
func (w *world) community(us []outreach.Unit, lo, hi float64) outreach.Audience {
	var people int64
	for _, u := range us {
		people += w.population(u)
	}
	total := max(int64(math.Round(float64(people)*w.between(lo, hi))), 25)
	if len(us) > 0 && us[0].ParentCode == "058" {
		// Bắc Kạn city is far more Kinh than the mountain districts.
		return w.audience(total, 0.45, 0.60, 0, 0, 0.45, 0.60)
	}
	return w.audience(total, 0.45, 0.60, 0, 0, 0.85, 0.90)
}

func q(kind string, v float64) outreach.ActivityQuantity {
	return outreach.ActivityQuantity{Kind: kind, Value: v}
}

// Places and names.

// place names a unit as running text does: "xã Bằng Thành", "thị trấn Chợ
// Rã", "huyện Pác Nặm".
func place(u outreach.Unit) string {
	name := u.Name
	for _, p := range []string{"Xã ", "Phường ", "Thị trấn ", "Huyện ", "Thành phố ", "Thị xã "} {
		if strings.HasPrefix(name, p) {
			return strings.ToLower(p) + name[len(p):]
		}
	}
	return name
}

// kind is the word for a commune's type: "xã", "phường", "thị trấn".
func kind(u outreach.Unit) string {
	switch u.Type {
	case outreach.UnitPhuong:
		return "phường"
	case outreach.UnitThiTran:
		return "thị trấn"
	}
	return "xã"
}

// bare is a unit's name without its type: "Bằng Thành".
func bare(u outreach.Unit) string {
	for _, p := range []string{"Xã ", "Phường ", "Thị trấn ", "Huyện ", "Thành phố ", "Thị xã "} {
		if s, ok := strings.CutPrefix(u.Name, p); ok {
			return s
		}
	}
	return u.Name
}

func (w *world) district(code string) outreach.Unit {
	for _, d := range w.districts {
		if d.Code == code {
			return d
		}
	}
	return outreach.Unit{Code: code, Name: code}
}

// risk weighs districts by the risk of trafficking: labour migration to
// China from the mountain districts bordering Cao Bằng and Lạng Sơn.
var risk = map[string]float64{"060": 5, "062": 3.5, "066": 3, "061": 3, "064": 1.2, "063": 0.8, "065": 0.8, "058": 0.3}

func riskOf(district string) float64 {
	if r, ok := risk[district]; ok {
		return r
	}
	return 1
}

// anyCommune picks a commune in force on the date, weighted by its
// district's risk.
func (w *world) anyCommune(date string) outreach.Unit {
	us := w.communes(date)
	ws := make([]float64, len(us))
	for i, u := range us {
		ws[i] = riskOf(u.ParentCode)
	}
	return us[w.weighted(ws)]
}

// someCommunes picks n distinct communes of the district (any district,
// weighted by risk, when district is "") in force on the date, in tree
// order.
func (w *world) someCommunes(district, date string, n int) []outreach.Unit {
	var pool []outreach.Unit
	if district == "" {
		pool = w.communes(date)
	} else {
		pool = w.districtCommunes(district, date)
	}
	ws := make([]float64, len(pool))
	for i, u := range pool {
		ws[i] = riskOf(u.ParentCode)
	}
	n = min(n, len(pool))
	chosen := map[int]bool{}
	for len(chosen) < n {
		i := w.weighted(ws)
		chosen[i] = true
		ws[i] = 0
	}
	var out []outreach.Unit
	for i, u := range pool {
		if chosen[i] {
			out = append(out, u)
		}
	}
	return out
}

// center is the district's seat: its thị trấn, Bộc Bố for Pác Nặm (which
// has none), a central ward for the city.
func (w *world) center(district, date string) outreach.Unit {
	us := w.districtCommunes(district, date)
	for _, u := range us {
		if u.Type == outreach.UnitThiTran {
			return u
		}
	}
	for _, c := range []string{"01864", "01840"} {
		for _, u := range us {
			if u.Code == c {
				return u
			}
		}
	}
	return us[0]
}

// hq is the ward of Bắc Kạn city where a provincial agency sits.
func (w *world) hq(agency, date string) outreach.Unit {
	wards := []string{"01840", "01834", "01837", "01843"}
	i := 0
	for k, a := range w.agencies {
		if a.Code == agency {
			i = k
		}
	}
	code := wards[i%len(wards)]
	for _, u := range w.communes(date) {
		if u.Code == code {
			return u
		}
	}
	return w.center("058", date)
}

func codes(us []outreach.Unit) []string {
	out := make([]string, len(us))
	for i, u := range us {
		out[i] = u.Code
	}
	return out
}

func names(us []outreach.Unit) string {
	ps := make([]string, len(us))
	for i, u := range us {
		ps[i] = bare(u)
	}
	if len(ps) == 1 {
		return place(us[0])
	}
	word := "các xã"
	for _, u := range us {
		if u.Type == outreach.UnitThiTran {
			word = "các xã, thị trấn"
		} else if u.Type == outreach.UnitPhuong {
			word = "các phường, xã"
		}
	}
	return word + " " + strings.Join(ps[:len(ps)-1], ", ") + " và " + ps[len(ps)-1]
}

// Dates.

const day = "2006-01-02"

func parseDate(s string) time.Time {
	t, _ := time.Parse(day, s)
	return t
}

func addDays(s string, n int) string { return parseDate(s).AddDate(0, 0, n).Format(day) }

func daysIn(year, month int) int {
	return time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// planStart is the decision's date: nothing happens before it; planEnd
// the last day of the plan.
const (
	planStart = "2017-09-08"
	planEnd   = "2020-12-31"
)

// season weighs the months: fewer activities around Tết (February), a
// peak in July for the national day against trafficking (30/7), more in
// the last quarter when the year's plans are finished.
var season = []float64{0.85, 0.45, 0.95, 1.0, 1.0, 1.15, 1.9, 1.0, 1.0, 1.25, 1.45, 1.2}

// yearFactor grows the volume year by year as the plan takes hold.
var yearFactor = map[int]float64{2017: 0.8, 2018: 1.0, 2019: 1.2, 2020: 1.45}

// monthWeights are the season of a year, with the months before the
// decision cut away and April 2020 (nationwide social distancing) low.
func monthWeights(year int, s []float64) []float64 {
	ws := slices.Clone(s)
	if year == 2017 {
		for m := range 8 {
			ws[m] = 0
		}
		ws[8] *= 23.0 / 30
	}
	if year == 2020 {
		ws[3] *= 0.4
	}
	return ws
}

// count is how many activities a stream of perYear (in 2018) has in the
// year.
func (w *world) count(perYear float64, year int, s []float64) int {
	ws := monthWeights(year, s)
	var avail, all float64
	for m := range ws {
		avail += ws[m]
		all += s[m]
	}
	return w.stochastic(perYear * yearFactor[year] * avail / all * w.between(0.85, 1.15))
}

// date draws a date of the year following the season; weekday moves a
// weekend to the nearest working day of the same month.
func (w *world) date(year int, s []float64, weekday bool) string {
	m := w.weighted(monthWeights(year, s)) + 1
	return w.dayIn(year, m, 1, daysIn(year, m), weekday)
}

// dayIn draws a day of the month between from and to.
func (w *world) dayIn(year, month, from, to int, weekday bool) string {
	if year == 2017 && month == 9 {
		from = max(from, 8)
	}
	to = min(to, daysIn(year, month))
	d := w.intn(from, max(from, to))
	t := time.Date(year, time.Month(month), d, 0, 0, 0, 0, time.UTC)
	if weekday {
		switch t.Weekday() {
		case time.Saturday:
			if d-1 >= from {
				t = t.AddDate(0, 0, -1)
			} else {
				t = t.AddDate(0, 0, 2)
			}
		case time.Sunday:
			if d+1 <= to {
				t = t.AddDate(0, 0, 1)
			} else {
				t = t.AddDate(0, 0, -2)
			}
		}
	}
	return t.Format(day)
}

// endAfter is an end date n days after the start, kept within the
// period of communes the start falls in and within the plan.
func endAfter(start string, n int) string {
	end := addDays(start, n)
	if start < mergeDate && end >= mergeDate {
		end = addDays(mergeDate, -1)
	}
	if end > planEnd {
		end = planEnd
	}
	return end
}

func monthYear(d string) string { return d[5:7] + "/" + d[:4] }

func fmtDate(d string) string { return d[8:10] + "/" + d[5:7] + "/" + d[:4] }

func ordinal(n int) string { return fmt.Sprintf("%02d", n) }
