package demo

// The second demo plan: Thái Nguyên on the 2025 unit tree (92 communes and
// wards, 37 of them the former Bắc Kạn's, no district level), a made-up
// plan for 2026–2030 whose targets follow the four national indicators.
// FillThaiNguyen imports the plan (plans/tn-demo-2026.yaml) when it is not
// stored and writes a modest history of 2026, up to 07/12/2026: activities
// of its agencies, materials sent to the communes and confirmed by them,
// key-area communes, prevention models and budget estimates, every record
// marked Demo. Like Fill it is deterministic (a PCG source seeded by the
// seed, no clock) and refuses a plan that already holds activities.

import (
	"cmp"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"outreach/internal/outreach"
	"outreach/internal/planfile"
	"outreach/internal/store"
)

// ThaiNguyenPlanCode is the code of the Thái Nguyên demo plan.
const ThaiNguyenPlanCode = "tn-demo-2026"

// tnScope is the unit the plan covers: Thái Nguyên province on the 2025
// tree.
const tnScope = "19"

// The demo history of Thái Nguyên runs from the first working day after
// the (made-up) decision of 09/01/2026 to tnLastDay, never later.
const (
	tnYear     = 2026
	tnFirstDay = "2026-01-12"
	tnLastDay  = "2026-12-07"
	// tnTreeDate is the date the communes are taken on.
	tnTreeDate = "2026-06-30"
)

//go:embed plans/tn-demo-2026.yaml
var tnPlanFile []byte

// ThaiNguyenPlan returns the demo plan of Thái Nguyên, parsed and validated.
func ThaiNguyenPlan() (*outreach.Plan, error) {
	return planfile.Parse("tn-demo-2026.yaml", tnPlanFile)
}

// ThaiNguyenSummary counts what FillThaiNguyen wrote.
type ThaiNguyenSummary struct {
	Summary
	// PlanImported is true when the plan was not stored and was imported.
	PlanImported bool `json:"plan_imported"`
}

// FillThaiNguyen imports the Thái Nguyên demo plan when it is not stored
// and writes its demo history of 2026. It refuses (with an error wrapping
// ErrNotEmpty) when the plan already holds activities.
func FillThaiNguyen(ctx context.Context, s *store.Store, actor outreach.Actor, seed int64) (sum ThaiNguyenSummary, err error) {
	_, err = s.PlanPeriod(ctx, ThaiNguyenPlanCode)
	stored := err == nil
	if err != nil && !errors.Is(err, outreach.ErrNotFound) {
		return sum, err
	}
	if stored {
		has, err := HasActivities(ctx, s, actor, ThaiNguyenPlanCode)
		if err != nil {
			return sum, err
		}
		if has {
			return sum, fmt.Errorf("demo: plan %s: %w", ThaiNguyenPlanCode, ErrNotEmpty)
		}
	}
	p, err := ThaiNguyenPlan()
	if err != nil {
		return sum, fmt.Errorf("demo: plan %s: %w", ThaiNguyenPlanCode, err)
	}
	w, err := loadThaiNguyen(ctx, s, p, seed)
	if err != nil {
		return sum, fmt.Errorf("demo: %w", err)
	}
	// Everything is generated before anything is written.
	var r records
	r.keys = w.keyAreas()
	r.acts = w.activities(r.keys)
	// The plan counts people aged 14–60 in key-area communes (II.2.5):
	// every activity records them, three in four of its people (an
	// invented share, drawing nothing from the random stream so that the
	// rest of the demo stays as it was).
	for i := range r.acts {
		if t := r.acts[i].Audience.Total; t != nil {
			r.acts[i].Audience.Groups = map[string]int64{"age_14_60": int64(math.Round(float64(*t) * 0.75))}
		}
	}
	r.mats = catalogueMaterials(ThaiNguyenPlanCode, tnCatalogue, " Dữ liệu minh hoạ.")
	r.dists = w.distributions(r.mats, r.keys)
	r.models = w.models(r.keys)
	r.budget = w.budget(r.acts)

	if !stored {
		if _, err := s.ImportPlan(ctx, actor, p); err != nil {
			return sum, fmt.Errorf("demo: plan %s: %w", ThaiNguyenPlanCode, err)
		}
		sum.PlanImported = true
	}
	file := store.ImportFile{Name: "demo " + ThaiNguyenPlanCode, SHA256: fmt.Sprintf("demo-%s-%d", ThaiNguyenPlanCode, seed)}
	if err := r.write(ctx, s, actor, ThaiNguyenPlanCode, file, &sum.Summary); err != nil {
		return sum, fmt.Errorf("demo: %s: %w", ThaiNguyenPlanCode, err)
	}
	return sum, nil
}

// tnWorld is what the Thái Nguyên generator draws from. It reuses the
// random helpers of world (between, intn, chance, weighted, money,
// audience, dayIn), with its own source.
type tnWorld struct {
	*world
	// communes are the 92 communes and wards in force on tnTreeDate, in
	// tree order.
	communes []outreach.Unit
	// origin is the district (as of 2019) a commune was mostly formed
	// from; formerBK the communes of the former Bắc Kạn province.
	origin   map[string]string
	formerBK map[string]bool
	// hq is the ward where the provincial agencies sit.
	hq outreach.Unit
}

func loadThaiNguyen(ctx context.Context, s *store.Store, p *outreach.Plan, seed int64) (*tnWorld, error) {
	w := &tnWorld{
		world: &world{
			r:     rand.New(rand.NewPCG(uint64(seed)^0x74686169, uint64(seed)+0x6e677579)),
			plan:  p,
			tasks: map[string]outreach.Task{},
			pop:   map[int64]int64{},
		},
		origin:   map[string]string{},
		formerBK: map[string]bool{},
	}
	for _, t := range p.Tasks {
		w.tasks[t.Clause] = t
	}
	for _, a := range p.Agencies {
		if !a.IsGroup() {
			w.agencies = append(w.agencies, a)
		}
	}
	all, err := s.Subtree(ctx, tnScope, tnTreeDate)
	if err != nil {
		return nil, err
	}
	for _, u := range all {
		if u.IsCommune() {
			w.communes = append(w.communes, u)
		}
	}
	if len(w.communes) < 50 {
		return nil, fmt.Errorf("unit %s has %d communes on %s; load the 2025 units first", tnScope, len(w.communes), tnTreeDate)
	}
	// The changes that formed each unit, read once: a commune's population
	// and its district of origin both need them.
	preds := map[int64][]outreach.UnitChange{}
	predecessors := func(id int64) ([]outreach.UnitChange, error) {
		cs, ok := preds[id]
		if !ok {
			var err error
			if cs, err = s.Predecessors(ctx, id); err != nil {
				return nil, err
			}
			preds[id] = cs
		}
		return cs, nil
	}
	// Each commune's 2019 census population, carried along the changes
	// that formed it (a divided commune's people shared evenly), and the
	// district it came from.
	memo := map[int64]int64{}
	var popOf func(u outreach.Unit, depth int) (int64, error)
	popOf = func(u outreach.Unit, depth int) (int64, error) {
		if n, ok := memo[u.ID]; ok {
			return n, nil
		}
		ps, err := s.Populations(ctx, u.ID)
		if err != nil {
			return 0, err
		}
		var n int64
		for _, x := range ps {
			if x.Group == "total" && x.RefDate <= "2019-04-01" {
				n = x.Value
			}
		}
		if n == 0 && depth < 4 {
			cs, err := predecessors(u.ID)
			if err != nil {
				return 0, err
			}
			for _, c := range cs {
				m, err := popOf(c.Old, depth+1)
				if err != nil {
					return 0, err
				}
				share := int64(1)
				if c.Portion == outreach.PortionPartial {
					out, err := s.Successors(ctx, c.Old.ID)
					if err != nil {
						return 0, err
					}
					share = int64(max(len(out), 1))
				}
				n += m / share
			}
		}
		memo[u.ID] = n
		return n, nil
	}
	for _, u := range w.communes {
		n, err := popOf(u, 0)
		if err != nil {
			return nil, err
		}
		if n == 0 {
			n = 8000
		}
		w.pop[u.ID] = n
		cs, err := predecessors(u.ID)
		if err != nil {
			return nil, err
		}
		count := map[string]int{}
		for _, c := range cs {
			segs := strings.Split(c.Old.Path, "/")
			for i, seg := range segs {
				if seg == "06" && i < len(segs)-1 {
					w.formerBK[u.Code] = true
				}
				if len(seg) == 3 && i < len(segs)-1 {
					count[seg]++
				}
			}
		}
		best := ""
		for d, k := range count {
			if best == "" || k > count[best] || k == count[best] && d < best {
				best = d
			}
		}
		w.origin[u.Code] = best
	}
	w.hq = w.communes[0]
	for _, u := range w.communes {
		if u.Code == "05443" { // Phường Phan Đình Phùng, the provincial seat
			w.hq = u
			break
		}
		if u.Type == outreach.UnitPhuong && !w.formerBK[u.Code] && w.hq.Type != outreach.UnitPhuong {
			w.hq = u
		}
	}
	return w, nil
}

// tnRisk weighs communes by the risk of trafficking: the mountain
// communes of the former Bắc Kạn most, those of the northern districts of
// former Thái Nguyên (Định Hóa, Võ Nhai, Phú Lương, Đồng Hỷ) next, the
// wards of the cities least.
func (w *tnWorld) risk(u outreach.Unit) float64 {
	switch {
	case w.formerBK[u.Code] && u.Type == outreach.UnitPhuong:
		return 0.6
	case w.formerBK[u.Code]:
		return 3
	case u.Type == outreach.UnitPhuong:
		return 0.35
	}
	switch w.origin[u.Code] {
	case "167", "170":
		return 2.2
	case "168", "169":
		return 1.4
	}
	return 0.9
}

// commune returns the commune with the code.
func (w *tnWorld) commune(code string) outreach.Unit {
	i := slices.IndexFunc(w.communes, func(u outreach.Unit) bool { return u.Code == code })
	if i < 0 {
		return outreach.Unit{}
	}
	return w.communes[i]
}

// anyCommune picks a commune weighted by risk (power k).
func (w *tnWorld) anyCommune(k float64) outreach.Unit {
	ws := make([]float64, len(w.communes))
	for i, u := range w.communes {
		ws[i] = math.Pow(w.risk(u), k)
	}
	return w.communes[w.weighted(ws)]
}

// community is the audience of a gathering in a commune: between lo and
// hi of its people, with the ethnic-minority share of its area.
func (w *tnWorld) community(u outreach.Unit, lo, hi float64) outreach.Audience {
	total := max(int64(math.Round(float64(w.population(u))*w.between(lo, hi))), 25)
	eLo, eHi := 0.10, 0.25
	switch {
	case w.formerBK[u.Code] && u.Type == outreach.UnitPhuong:
		eLo, eHi = 0.45, 0.60
	case w.formerBK[u.Code]:
		eLo, eHi = 0.82, 0.92
	case u.Type == outreach.UnitPhuong:
		eLo, eHi = 0.04, 0.12
	case w.origin[u.Code] == "167" || w.origin[u.Code] == "170":
		eLo, eHi = 0.50, 0.70
	case w.origin[u.Code] == "168" || w.origin[u.Code] == "169":
		eLo, eHi = 0.30, 0.45
	}
	return w.audience(total, 0.45, 0.60, 0, 0, eLo, eHi)
}

// Dates of 2026: the season of the Bắc Kạn demo, January from the 12th,
// December up to the 7th.
func (w *tnWorld) date(s []float64, weekday bool) string {
	ws := slices.Clone(s)
	ws[0] *= 20.0 / 31
	ws[11] *= 7.0 / 31
	m := w.weighted(ws) + 1
	return w.dayOf(m, weekday)
}

// dayOf draws a day of the month of 2026 within the demo's dates.
func (w *tnWorld) dayOf(m int, weekday bool) string {
	from, to := 1, daysIn(tnYear, m)
	if m == 1 {
		from = 12
	}
	if m == 12 {
		to = 7
	}
	return clampDay(w.dayIn(tnYear, m, from, to, weekday))
}

func clampDay(d string) string {
	return min(max(d, tnFirstDay), tnLastDay)
}

// count is how many activities a stream of perYear has in 2026 (the year
// is cut at both ends).
func (w *tnWorld) count(perYear float64, s []float64) int {
	var all float64
	for _, x := range s {
		all += x
	}
	avail := all - s[0]*11.0/31 - s[11]*24.0/31
	return w.stochastic(perYear * avail / all * w.between(0.85, 1.15))
}

func (w *tnWorld) funding() string {
	if w.chance(0.08) {
		return "nguon-khac"
	}
	return "ngan-sach"
}

func (w *tnWorld) setCost(a *outreach.Activity, lo, hi float64) {
	a.Cost = w.money(lo, hi)
	if a.Cost > 0 {
		a.FundingSource = w.funding()
		if a.FundingSource == "nguon-khac" {
			a.Notes = "Kinh phí xã hội hoá (doanh nghiệp trên địa bàn tài trợ) — dữ liệu minh hoạ."
		}
	}
}

// Texts of the Thái Nguyên demo.

var tnArticles = []string{
	"Cảnh giác với thủ đoạn tuyển dụng “việc nhẹ, lương cao” ra nước ngoài",
	"Nhận diện thủ đoạn lừa đảo, mua bán người qua mạng xã hội",
	"Những điểm mới của Luật Phòng, chống mua bán người",
	"Bảo vệ trẻ em trước nguy cơ bị dụ dỗ, lừa bán trên không gian mạng",
	"Thái Nguyên chung tay phòng, chống mua bán người",
	"Đi làm ăn xa: tìm hiểu kỹ thông tin, giữ liên lạc với gia đình",
	"Quyền của nạn nhân bị mua bán và chế độ hỗ trợ",
	"Kết hôn có yếu tố nước ngoài: tỉnh táo trước môi giới trái phép",
	"Tố giác tội phạm mua bán người: gọi ngay cho công an",
	"Hiệu quả từ mô hình phòng, chống mua bán người ở cơ sở",
	"Lao động ở khu công nghiệp cảnh giác với lời mời chào đi làm ở nước ngoài",
	"Phụ nữ vùng cao với công tác phòng, chống mua bán người",
}

var tnContents = []string{
	"phổ biến những quy định mới của Luật Phòng, chống mua bán người",
	"thủ đoạn tuyển dụng lao động đi làm việc ở nước ngoài qua mạng xã hội, nhất là lừa sang làm việc cho các cơ sở lừa đảo trực tuyến",
	"kỹ năng nhận diện, phòng tránh nguy cơ bị mua bán khi đi làm ăn xa",
	"cách tố giác tội phạm mua bán người và các đường dây nóng tư vấn, hỗ trợ",
	"trao đổi các tình huống thực tế đã xảy ra trên địa bàn",
	"quy định về kết hôn có yếu tố nước ngoài, xuất cảnh, đưa người lao động đi làm việc ở nước ngoài",
	"chế độ hỗ trợ nạn nhân bị mua bán trở về tái hòa nhập cộng đồng",
	"bảo vệ trẻ em trên không gian mạng, không kết bạn, gặp gỡ người lạ quen qua mạng",
}

// describe joins a lead and two or three of tnContents into a
// description.
func (w *tnWorld) describe(lead string) string { return w.describeFrom(tnContents, lead) }

// themes returns base plus, sometimes, one more, in the plan's order;
// July adds the national day's theme (III.4).
func (w *tnWorld) themes(date string, base ...string) []string {
	return w.themesFrom([]string{"III.1", "III.2", "III.3"}, "III.4", date, base)
}

// hamlet makes up the name of a village or residential group.
func (w *tnWorld) hamlet(u outreach.Unit) string {
	if u.Type == outreach.UnitPhuong {
		return fmt.Sprintf("tổ dân phố số %d", w.intn(1, 25))
	}
	if w.formerBK[u.Code] {
		return w.village()
	}
	return fmt.Sprintf("xóm %s", pick(w.world, []string{"Đồng", "Bãi", "Na", "Làng", "Gốc", "Cầu", "Chợ", "Mới", "Trại", "Khe"})+" "+
		pick(w.world, []string{"Chùa", "Vàng", "Tranh", "Thông", "Hồng", "Cả", "Mít", "Quán", "Giữa", "Trên"}))
}

// Activities.

// tnGen is gen with the streams of 2026.
type tnGen struct {
	gen
	tn *tnWorld
}

func (g *tnGen) stream(agency, task string, perYear float64, s []float64, weekday bool, build func(a *outreach.Activity)) {
	for range g.tn.count(perYear, s) {
		g.add(agency, task, g.tn.date(s, weekday), build)
	}
}

// activities generates the 2026 activities of every agency, in date order.
func (w *tnWorld) activities(keys []keyArea) []outreach.Activity {
	g := &tnGen{gen: gen{w: w.world, plan: ThaiNguyenPlanCode, last: tnLastDay}, tn: w}
	keyCommune := func() outreach.Unit {
		if len(keys) > 0 && w.chance(0.5) {
			return w.commune(pick(w.world, keys).unit)
		}
		return w.anyCommune(1)
	}
	participants := func(a *outreach.Activity, sessions int) {
		a.Quantities = append(a.Quantities, q("sessions", float64(sessions)))
		if a.Audience.Total != nil {
			a.Quantities = append(a.Quantities, q("participants", float64(*a.Audience.Total)))
		}
	}
	staff := func(n int, lo, hi float64) outreach.Audience { return w.audience(int64(n), lo, hi, 0, 0, 0.15, 0.35) }

	// The press: at least one item every month (target II.2.3).
	for m := 1; m <= 12; m++ {
		for range max(1, w.stochastic(2.2*season[m-1])) {
			g.add("tn-bao-ptth", "V.6.1", w.dayOf(m, false), func(a *outreach.Activity) {
				a.WholeProvince = true
				t := pick(w.world, tnArticles)
				switch x := w.r.Float64(); {
				case x < 0.45:
					a.Channel = "IV.1"
					a.Themes = w.themes(a.StartDate, "III.1")
					a.Title = fmt.Sprintf("Đăng bài “%s” trên báo in và báo điện tử của tỉnh", t)
					a.Quantities = []outreach.ActivityQuantity{q("news_items", 1)}
					w.setCost(a, 0.5, 1.5)
				case x < 0.75:
					a.Channel = "IV.1"
					a.Themes = w.themes(a.StartDate, "III.1", "III.3")
					a.Title = fmt.Sprintf("Phát sóng tin “%s” trong chương trình thời sự phát thanh, truyền hình", t)
					b := w.intn(1, 2)
					a.Quantities = []outreach.ActivityQuantity{q("news_items", 1), q("broadcasts", float64(b)), q("broadcast_minutes", float64(b*w.intn(2, 3)))}
					w.setCost(a, 0.3, 1)
				default:
					a.Channel = "IV.1"
					a.Themes = w.themes(a.StartDate, "III.1", "III.2")
					u := w.anyCommune(1.5)
					a.Title = fmt.Sprintf("Phát sóng phóng sự “Phòng, chống mua bán người ở %s”", place(u))
					a.Quantities = []outreach.ActivityQuantity{q("news_items", 1), q("broadcasts", 2), q("broadcast_minutes", float64(2*w.intn(10, 15)))}
					w.setCost(a, 3, 8)
				}
			})
		}
	}

	// Sở VHTTDL: guidance to the press and the grassroots system, its
	// portal, a training course.
	const vh = "tn-svhttdl"
	g.stream(vh, "V.1.1", 4, season, true, func(a *outreach.Activity) {
		a.Channel = "IV.1"
		a.Themes = w.themes(a.StartDate, "III.1")
		if a.StartDate[5:7] == "07" {
			a.Title = "Hướng dẫn các cơ quan báo chí, hệ thống thông tin cơ sở tuyên truyền hưởng ứng Ngày toàn dân phòng, chống mua bán người 30/7/2026"
		} else {
			a.Title = "Văn bản hướng dẫn các cơ quan báo chí, đài truyền thanh cấp xã tuyên truyền phòng, chống mua bán người năm 2026"
		}
		a.WholeProvince = true
	})
	g.stream(vh, "V.1.2", 12, season, false, func(a *outreach.Activity) {
		a.Channel = "IV.2"
		a.Themes = w.themes(a.StartDate, "III.1")
		a.Title = fmt.Sprintf("Đăng tin “%s” trên Cổng thông tin điện tử của Sở", pick(w.world, tnArticles))
		a.WholeProvince = true
		a.Quantities = []outreach.ActivityQuantity{q("news_items", float64(w.intn(1, 2)))}
	})
	g.stream(vh, "V.1.2", 4, season, true, func(a *outreach.Activity) {
		a.Channel = "IV.3"
		a.Themes = w.themes(a.StartDate, "III.3")
		a.Title = "Cung cấp tin, bài phòng, chống mua bán người cho đài truyền thanh các xã, phường"
		a.WholeProvince = true
		a.Quantities = []outreach.ActivityQuantity{q("news_items", float64(w.intn(3, 8)))}
		w.setCost(a, 1, 3)
	})
	for _, m := range []int{4, 9} {
		d := w.dayOf(m, true)
		g.add(vh, "V.1.1", d, func(a *outreach.Activity) {
			a.Channel = "IV.5"
			a.Themes = []string{"III.1", "III.2", "III.3"}
			a.Title = "Tập huấn kỹ năng truyền thông phòng, chống mua bán người cho cán bộ văn hóa - xã hội và đài truyền thanh các xã, phường"
			a.Description = w.describe("Nội dung")
			a.EndDate = addDays(d, 1)
			a.Units = []string{w.hq.Code}
			a.Audience = staff(w.intn(90, 140), 0.45, 0.65)
			participants(a, 2)
			w.setCost(a, 20, 40)
		})
	}

	// The province's online contest on the law, open for six weeks
	// around 30/7: the one activity that reaches tens of thousands.
	quiz := clampDay(w.dayIn(tnYear, 6, 15, 19, true))
	g.add(vh, "", quiz, func(a *outreach.Activity) {
		a.Channel = "IV.4"
		a.Themes = []string{"III.1", "III.2", "III.3", "III.4"}
		a.Title = "Cuộc thi trực tuyến “Tìm hiểu pháp luật về phòng, chống mua bán người” năm 2026"
		a.Description = "Thi trên Cổng thông tin điện tử tỉnh; đoàn viên, hội viên, học sinh trung học tham gia đông nhất."
		a.EndDate = addDays(quiz, 45)
		a.WholeProvince = true
		total := int64(w.intn(60_000, 80_000))
		a.Audience = w.audience(total, 0.52, 0.60, 0.12, 0.18, 0.20, 0.30)
		a.Quantities = []outreach.ActivityQuantity{q("participants", float64(total))}
		a.Cost, a.FundingSource = w.money(60, 90), "ngan-sach"
	})

	// Công an tỉnh: its page and social media, village meetings.
	const ca = "tn-ca"
	g.stream(ca, "V.3.1", 16, season, false, func(a *outreach.Activity) {
		a.Channel = "IV.2"
		a.Themes = w.themes(a.StartDate, "III.1")
		a.Title = fmt.Sprintf("Đăng tin “%s” trên Trang thông tin điện tử và trang mạng xã hội của Công an tỉnh", pick(w.world, tnArticles))
		a.WholeProvince = true
		a.Quantities = []outreach.ActivityQuantity{q("news_items", 1)}
	})
	g.stream(ca, "V.3.2", 30, season, true, func(a *outreach.Activity) {
		u := keyCommune()
		a.Channel = "IV.4"
		a.Themes = w.themes(a.StartDate, "III.1", "III.3")
		a.Title = fmt.Sprintf("Tuyên truyền phòng, chống mua bán người tại %s, %s", w.hamlet(u), place(u))
		a.Description = w.describe("Công an " + kind(u) + " phối hợp trưởng thôn, tổ trưởng tổ dân phố")
		a.Units = []string{u.Code}
		a.Audience = w.community(u, 0.02, 0.06)
		participants(a, 1)
		if w.chance(0.5) {
			w.setCost(a, 0.5, 2)
		}
	})

	// Hội LHPN: women's meetings in the communes, a training course.
	const pn = "tn-hlhpn"
	g.stream(pn, "V.2.1", 34, season, true, func(a *outreach.Activity) {
		u := keyCommune()
		a.Channel = "IV.4"
		a.Themes = w.themes(a.StartDate, "III.1", "III.3")
		a.Title = fmt.Sprintf("Sinh hoạt chuyên đề phòng, chống mua bán người tại Chi hội Phụ nữ %s, %s", w.hamlet(u), place(u))
		a.Description = w.describe("")
		a.Units = []string{u.Code}
		a.Audience = w.community(u, 0.015, 0.05)
		women := int64(math.Round(float64(*a.Audience.Total) * w.between(0.80, 0.95)))
		a.Audience.Women, a.Audience.Men = n64(women), n64(*a.Audience.Total-women)
		participants(a, 1)
		w.setCost(a, 0.3, 1.5)
	})
	g.stream(pn, "V.2.1", 3, season, true, func(a *outreach.Activity) {
		a.Channel = "IV.5"
		a.Themes = []string{"III.2", "III.3"}
		a.Title = "Tập huấn kỹ năng tuyên truyền phòng, chống mua bán người cho chi hội trưởng phụ nữ các xã, phường"
		a.Description = w.describe("Nội dung")
		a.Units = []string{w.hq.Code}
		a.Audience = w.audience(int64(w.intn(80, 120)), 0.88, 0.97, 0, 0, 0.30, 0.50)
		participants(a, 1)
		w.setCost(a, 12, 25)
	})

	// Sở Tư pháp: legal dissemination in the communes.
	const tp = "tn-stp"
	g.stream(tp, "V.4.1", 14, season, true, func(a *outreach.Activity) {
		u := w.anyCommune(1)
		a.Channel = "IV.4"
		a.Themes = w.themes(a.StartDate, "III.2", "III.3")
		a.Title = fmt.Sprintf("Hội nghị phổ biến Luật Phòng, chống mua bán người tại %s", place(u))
		a.Description = w.describe("Báo cáo viên pháp luật tỉnh trình bày")
		a.Units = []string{u.Code}
		a.Audience = w.community(u, 0.01, 0.03)
		participants(a, 1)
		w.setCost(a, 3, 8)
	})

	// Sở GD&ĐT: extracurricular sessions in schools (task V.5.1 counts
	// schools).
	const gd = "tn-sgddt"
	seen := map[string]bool{}
	for range w.count(10, schoolSeason) {
		d := w.date(schoolSeason, true)
		var u outreach.Unit
		for range 50 {
			u = w.anyCommune(0.5)
			if !seen[u.Code] {
				break
			}
		}
		seen[u.Code] = true
		g.add(gd, "V.5.1", d, func(a *outreach.Activity) {
			school := "Trường THCS " + bare(u)
			if w.chance(0.4) {
				school = "Trường THPT " + bare(u)
			}
			a.Channel = "IV.4"
			a.Themes = []string{"III.1", "III.3"}
			a.Title = fmt.Sprintf("Buổi ngoại khóa về phòng, chống mua bán người tại %s", school)
			a.Description = "Học sinh xem tiểu phẩm, thảo luận tình huống bị dụ dỗ qua mạng xã hội và cách tìm trợ giúp."
			a.Units = []string{u.Code}
			a.Audience = w.audience(int64(w.intn(250, 600)), 0.47, 0.55, 0.45, 0.65, 0.10, 0.60)
			a.Quantities = []outreach.ActivityQuantity{q("schools", 1)}
			participants(a, 1)
			w.setCost(a, 2, 6)
		})
	}

	// UBND các xã, phường: village meetings, loudspeakers, banners.
	const xa = "tn-ubnd-xa"
	g.stream(xa, "V.7.1", 70, season, true, func(a *outreach.Activity) {
		u := w.anyCommune(0.7)
		a.Units = []string{u.Code}
		a.Channel = "IV.4"
		a.Themes = w.themes(a.StartDate, "III.1", "III.3")
		if w.chance(0.7) {
			a.Title = fmt.Sprintf("Lồng ghép tuyên truyền phòng, chống mua bán người trong cuộc họp %s, %s", w.hamlet(u), place(u))
			a.Description = w.describe("")
			a.Audience = w.community(u, 0.01, 0.03)
			participants(a, 1)
		} else {
			a.Title = fmt.Sprintf("Hội nghị tuyên truyền phòng, chống mua bán người tại %s", place(u))
			a.Description = w.describe(fmt.Sprintf("UBND %s chủ trì, Công an %s, Hội Phụ nữ %s phối hợp", kind(u), kind(u), kind(u)))
			a.Audience = w.community(u, 0.03, 0.08)
			participants(a, 1)
			w.setCost(a, 2, 6)
		}
	})
	g.stream(xa, "V.7.1", 45, season, false, func(a *outreach.Activity) {
		u := w.anyCommune(0.5)
		a.Units = []string{u.Code}
		a.Channel = "IV.3"
		a.Themes = w.themes(a.StartDate, "III.1", "III.3")
		a.Title = fmt.Sprintf("Phát tin phòng, chống mua bán người trên đài truyền thanh %s", place(u))
		a.EndDate = addDays(a.StartDate, w.intn(3, 20))
		b := w.intn(3, 12)
		a.Quantities = []outreach.ActivityQuantity{q("broadcasts", float64(b)), q("broadcast_minutes", float64(b*w.intn(5, 10)))}
	})
	for range w.intn(10, 14) {
		u := w.anyCommune(0.7)
		d := clampDay(w.dayIn(tnYear, 7, 15, 29, true))
		g.add(xa, "V.7.1", d, func(a *outreach.Activity) {
			a.Channel = "IV.6"
			a.Themes = []string{"III.3", "III.4"}
			a.Title = fmt.Sprintf("Treo băng rôn hưởng ứng Ngày toàn dân phòng, chống mua bán người 30/7 tại %s", place(u))
			a.Units = []string{u.Code}
			n := w.intn(4, 15)
			a.Quantities = []outreach.ActivityQuantity{q("banners", float64(n))}
			a.Cost, a.FundingSource = w.money(0.15*float64(n), 0.35*float64(n)), "ngan-sach"
		})
	}

	// Every member of the departments' group marks 30/7.
	if group, ok := w.plan.Agency("tn-so-nganh"); ok {
		for _, code := range group.Members {
			ag, _ := w.plan.Agency(code)
			short := cmp.Or(ag.ShortName, ag.Name)
			d := clampDay(w.dayIn(tnYear, 7, 20, 31, true))
			g.add(code, "V.8.1", d, func(a *outreach.Activity) {
				a.Channel = "IV.4"
				a.Themes = []string{"III.3", "III.4"}
				a.Title = fmt.Sprintf("Sinh hoạt chuyên đề hưởng ứng Ngày toàn dân phòng, chống mua bán người 30/7/2026 tại %s", short)
				a.Description = w.describe("Nội dung")
				a.Units = []string{w.hq.Code}
				a.Audience = staff(w.intn(30, 90), 0.35, 0.60)
				participants(a, 1)
				w.setCost(a, 0.5, 3)
			})
		}
	}
	// The province's meeting for 30/7 in a key commune, with a fair.
	if len(keys) > 0 {
		u := w.commune(keys[0].unit)
		d := clampDay(w.dayIn(tnYear, 7, 24, 30, true))
		g.add(pn, "V.2.1", d, func(a *outreach.Activity) {
			a.Channel = "IV.4"
			a.Themes = []string{"III.1", "III.3", "III.4"}
			a.Title = fmt.Sprintf("Mít tinh, ngày hội hưởng ứng Ngày toàn dân phòng, chống mua bán người 30/7/2026 tại %s", place(u))
			a.Description = "Hội LHPN tỉnh chủ trì, Công an tỉnh, Sở Văn hóa, Thể thao và Du lịch phối hợp; diễu hành, văn nghệ, gian trưng bày tài liệu."
			a.Units = []string{u.Code}
			a.Audience = w.community(u, 0.15, 0.25)
			participants(a, 1)
			a.Cost, a.FundingSource = w.money(40, 70), "ngan-sach"
		})
	}

	// The printing of each material.
	for _, m := range tnCatalogue {
		g.add(m.agency, m.task, m.published, func(a *outreach.Activity) {
			a.Channel = "IV.6"
			a.Themes = []string{"III.2", "III.3"}
			a.Title = "Biên soạn, in và phát hành " + lowerFirst(m.title)
			a.Description = fmt.Sprintf("%d bản, phát hành đến các xã, phường.", m.copies)
			a.WholeProvince = true
			a.Quantities = []outreach.ActivityQuantity{q("copies", float64(m.copies))}
			per := 3000.0
			if m.typ == "guidance" || m.typ == "behaviour_change" {
				per = 12000
			}
			a.Cost = int64(math.Round(float64(m.copies)*per*w.between(0.9, 1.1)/50_000) * 50_000)
			a.FundingSource = "ngan-sach"
		})
	}

	acts := g.out
	slices.SortStableFunc(acts, func(a, b outreach.Activity) int {
		return cmp.Or(cmp.Compare(a.StartDate, b.StartDate), cmp.Compare(a.Agency, b.Agency), cmp.Compare(a.Title, b.Title))
	})
	return acts
}

// Materials.

var tnCatalogue = []material{
	{typ: "guidance", agency: "tn-stp", task: "V.4.1", year: 2026, copies: 1200,
		title:     "Tài liệu hướng dẫn thực hiện Luật Phòng, chống mua bán người dành cho cán bộ cấp xã (minh hoạ)",
		published: "2026-03-20", sendFrom: "2026-04-06", sendTo: "2026-05-29", coverage: 1, per: [2]int{8, 12}},
	{typ: "behaviour_change", agency: "tn-hlhpn", task: "V.2.2", year: 2026, copies: 3000,
		title:     "Tài liệu truyền thông thay đổi hành vi cho phụ nữ và trẻ em gái (minh hoạ)",
		published: "2026-06-12", sendFrom: "2026-06-22", sendTo: "2026-08-14", coverage: 0.25, per: [2]int{30, 60}},
	{typ: "leaflet", agency: "tn-ca", year: 2026, copies: 40000,
		title:     "Tờ rơi “Cảnh giác thủ đoạn mua bán người qua mạng xã hội” (minh hoạ)",
		published: "2026-09-18", sendFrom: "2026-10-05", sendTo: "2026-11-13", coverage: 0.6, per: [2]int{200, 500}},
}

// batches splits the communes for sending: the former Bắc Kạn's, the
// wards of former Thái Nguyên, and its communes in two halves.
func (w *tnWorld) batches() (names []string, groups [][]outreach.Unit) {
	var bk, wards, rest []outreach.Unit
	for _, u := range w.communes {
		switch {
		case w.formerBK[u.Code]:
			bk = append(bk, u)
		case u.Type == outreach.UnitPhuong:
			wards = append(wards, u)
		default:
			rest = append(rest, u)
		}
	}
	half := len(rest) / 2
	names = []string{"các xã, phường thuộc địa bàn tỉnh Bắc Kạn cũ", "các phường thuộc địa bàn tỉnh Thái Nguyên cũ",
		"các xã phía Bắc, phía Tây thuộc địa bàn tỉnh Thái Nguyên cũ", "các xã phía Nam thuộc địa bàn tỉnh Thái Nguyên cũ"}
	groups = [][]outreach.Unit{bk, wards, rest[:half], rest[half:]}
	return names, groups
}

// distributions sends each material in batches and confirms the
// deliveries: about two in three communes have received and deployed the
// guidance by December (target 2026: at least 50 %), the later sendings
// are still being deployed, and nothing is dated after tnLastDay.
func (w *tnWorld) distributions(mats []catalogued, keys []keyArea) []sending {
	key := map[string]bool{}
	for _, k := range keys {
		key[k.unit] = true
	}
	// Slow communes confirm late or not at all.
	slow := map[string]bool{}
	for _, u := range w.communes {
		if w.chance(0.4) {
			slow[u.Code] = true
		}
	}
	names, groups := w.batches()
	var out []sending
	for i, cm := range mats {
		m := cm.m
		for b, us := range groups {
			sent := clampDay(w.sendDate(m))
			var to []outreach.Unit
			for _, u := range us {
				share := m.coverage
				if m.typ == "behaviour_change" && (key[u.Code] || w.formerBK[u.Code]) {
					share = 1
				}
				if share >= 1 || w.chance(share) {
					to = append(to, u)
				}
			}
			if len(to) == 0 {
				continue
			}
			s := sending{mat: i, Distribution: outreach.Distribution{Plan: ThaiNguyenPlanCode, FromAgency: m.agency, Date: sent, Demo: true,
				Notes: fmt.Sprintf("Gửi %s (dữ liệu minh hoạ).", names[b])}}
			for _, u := range to {
				x := outreach.Delivery{Unit: u.Code, Quantity: int64(w.intn(m.per[0], m.per[1]))}
				w.confirm(slow[u.Code], sent, &x)
				s.Deliveries = append(s.Deliveries, x)
			}
			out = append(out, s)
		}
	}
	return out
}

func (w *tnWorld) confirm(slow bool, sent string, x *outreach.Delivery) {
	if slow && w.chance(0.7) {
		return // not confirmed yet
	}
	received := addDays(sent, w.intn(3, 15))
	if received > tnLastDay {
		return
	}
	x.ReceivedOn = received
	wait := w.intn(5, 45)
	if slow {
		wait = w.intn(40, 200)
	}
	if w.chance(0.12) {
		return // received, not deployed
	}
	if deployed := addDays(received, wait); deployed <= tnLastDay {
		x.DeployedOn = deployed
		x.How = w.how()
	}
}

var tnRiskNotes = []string{
	"Nhiều lao động trẻ đi làm ăn xa, làm việc tự do ở các tỉnh phía Nam và nước ngoài",
	"Địa bàn vùng cao, đi lại khó khăn, đồng bào dân tộc thiểu số chiếm tỷ lệ cao",
	"Có người bị lừa ra nước ngoài làm việc qua lời mời chào trên mạng xã hội",
	"Nhiều phụ nữ kết hôn có yếu tố nước ngoài qua môi giới",
}

// keyAreas marks 14–18 communes as key areas for 2026, mostly mountain
// communes of the former Bắc Kạn and of the northern districts.
func (w *tnWorld) keyAreas() []keyArea {
	n := w.intn(14, 18)
	ws := make([]float64, len(w.communes))
	for i, u := range w.communes {
		ws[i] = math.Pow(w.risk(u), 1.5)
	}
	chosen := map[int]bool{}
	for len(chosen) < n {
		i := w.weighted(ws)
		ws[i] = 0
		chosen[i] = true
	}
	var out []keyArea
	for i, u := range w.communes {
		if !chosen[i] {
			continue
		}
		k := keyArea{unit: u.Code, year: tnYear}
		notes := []string{pick(w.world, tnRiskNotes)}
		if u.Type == outreach.UnitPhuong {
			notes[0] = "Gần khu công nghiệp, nhiều lao động ngoại tỉnh ở trọ"
		}
		switch x := w.r.Float64(); {
		case x < 0.6:
			k.reasons = []string{outreach.ReasonHighRisk}
		case x < 0.8:
			k.reasons = []string{outreach.ReasonCasesOccurred, outreach.ReasonHighRisk}
			notes = append(notes, "năm 2025 xảy ra 01 vụ mua bán người")
		default:
			k.reasons = []string{outreach.ReasonVictimsReturned, outreach.ReasonHighRisk}
			notes = append(notes, fmt.Sprintf("có %s nạn nhân bị mua bán trở về", ordinal(w.intn(1, 3))))
		}
		k.note = strings.Join(notes, "; ") + " (dữ liệu minh hoạ)."
		out = append(out, k)
	}
	// The riskiest first, so that the province's 30/7 meeting goes to one.
	slices.SortStableFunc(out, func(a, b keyArea) int {
		return cmp.Compare(len(b.reasons), len(a.reasons))
	})
	return out
}

// models sets up in-depth prevention models in about a quarter of the key
// communes during 2026 (target 2028: at least 30 %), and one more that
// stopped meeting in the autumn.
func (w *tnWorld) models(keys []keyArea) []outreach.PreventionModel {
	n := int(math.Round(0.25 * float64(len(keys))))
	order := w.r.Perm(len(keys))
	var out []outreach.PreventionModel
	for k, i := range order {
		if k > n {
			break
		}
		u := w.commune(keys[i].unit)
		m := w.model(u, w.dayOf(w.intn(3, 9), true))
		if k == n { // the extra one stopped
			m.EstablishedOn = w.dayOf(w.intn(2, 4), true)
			m.Statuses = []outreach.ModelStatus{{Since: w.dayOf(w.intn(9, 11), false), Status: outreach.ModelInactive}}
			m.Description += " Tạm ngừng sinh hoạt do thiếu người phụ trách."
		}
		out = append(out, m)
	}
	return out
}

func (w *tnWorld) model(u outreach.Unit, est string) outreach.PreventionModel {
	m := outreach.PreventionModel{Plan: ThaiNguyenPlanCode, Unit: u.Code, EstablishedOn: est, Demo: true}
	switch x := w.r.Float64(); {
	case x < 0.4:
		m.Agency, m.Type = "tn-hlhpn", "in_depth"
		m.Name = "Câu lạc bộ “Phụ nữ với phòng, chống mua bán người” " + place(u)
		m.Description = "Sinh hoạt hằng tháng; hội viên nắm danh sách phụ nữ đi làm ăn xa và giữ liên lạc với gia đình (dữ liệu minh hoạ)."
	case x < 0.75:
		m.Agency, m.Type = "tn-ca", "in_depth"
		m.Name = "Mô hình “Địa chỉ tin cậy phòng, chống mua bán người” " + place(u)
		m.Description = "Công an " + kind(u) + " phối hợp trưởng thôn nắm tình hình người đi làm ăn xa, tiếp nhận tin báo (dữ liệu minh hoạ)."
	default:
		m.Agency, m.Type = "tn-ubnd-xa", "integrated"
		m.Name = "Mô hình “Thôn, xóm an toàn, không có mua bán người” " + place(u)
		m.Description = "Các thôn đưa nội dung phòng, chống mua bán người vào hương ước, quy ước (dữ liệu minh hoạ)."
	}
	return m
}

// budget estimates, for each agency, 85–115 % of what its activities
// spent in 2026 from the state budget.
func (w *tnWorld) budget(acts []outreach.Activity) []budgetLine {
	var out []budgetLine
	for _, ag := range w.agencies {
		var spent int64
		for _, a := range acts {
			if a.Agency == ag.Code && a.FundingSource == "ngan-sach" {
				spent += a.Cost
			}
		}
		if spent == 0 {
			continue
		}
		step := 1e6
		if spent < 20_000_000 {
			step = 1e5
		}
		est := int64(math.Round(float64(spent)*w.between(0.85, 1.15)/step) * step)
		out = append(out, budgetLine{agency: ag.Code, year: tnYear, amount: max(est, int64(step))})
	}
	return out
}
