package demo

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"outreach/internal/outreach"
)

var years = []int{2017, 2018, 2019, 2020}

// activities generates the activities of every agency with tasks, in date
// order.
func (w *world) activities() []outreach.Activity {
	g := &gen{w: w, plan: PlanCode, last: planEnd}
	g.provincial()
	g.stttt()
	g.btgtu()
	g.womensUnion()
	g.police()
	g.justice()
	g.education()
	g.culture()
	g.press()
	g.districts()
	g.publications()
	acts := g.out
	slices.SortStableFunc(acts, func(a, b outreach.Activity) int {
		return cmp.Or(cmp.Compare(a.StartDate, b.StartDate), cmp.Compare(a.Agency, b.Agency), cmp.Compare(a.Title, b.Title))
	})
	return acts
}

// gen collects the activities of a plan's demo history.
type gen struct {
	w    *world
	plan string
	// last is the history's last day: no activity ends later.
	last string
	out  []outreach.Activity
}

// stream adds about perYear activities a year (at the 2018 level) for the
// agency, dated by the season, each built by build.
func (g *gen) stream(agency, task string, perYear float64, s []float64, weekday bool, build func(a *outreach.Activity)) {
	for _, y := range years {
		n := g.w.count(perYear, y, s)
		for range n {
			g.add(agency, task, g.w.date(y, s, weekday), build)
		}
	}
}

// add adds an activity of the agency starting on date, built by build. It
// ends on the day it starts unless build says otherwise, and never after
// the last day.
func (g *gen) add(agency, task, date string, build func(a *outreach.Activity)) {
	a := outreach.Activity{Plan: g.plan, Agency: agency, Task: g.w.task(task), StartDate: date, Demo: true}
	build(&a)
	a.EndDate = min(max(a.EndDate, a.StartDate), g.last)
	if a.Themes == nil {
		a.Themes = []string{"III.3"}
	}
	g.out = append(g.out, a)
}

// Seasons other than the default.
var (
	schoolSeason = []float64{1, 0.4, 1, 1, 0.8, 0.05, 0.02, 0.1, 1, 1.2, 1.3, 1.1}
	bannerSeason = []float64{0.3, 0.5, 0.3, 0.3, 0.3, 0.6, 6, 0.3, 0.3, 0.4, 1.4, 0.5}
)

// Texts.

var articles = []string{
	"Cảnh giác với thủ đoạn lừa bán người qua biên giới",
	"Nâng cao nhận thức phòng, chống mua bán người cho đồng bào vùng cao",
	"Đường dây nóng 18001567 – địa chỉ tin cậy của người dân",
	"Không để người dân bị lừa đi làm thuê trái phép sang Trung Quốc",
	"Cảnh giác với lời mời chào “việc nhẹ, lương cao”",
	"Tuyên truyền phòng, chống mua bán người bằng tiếng dân tộc",
	"Phụ nữ vùng cao với công tác phòng, chống mua bán người",
	"Giúp nạn nhân bị mua bán trở về hòa nhập cộng đồng",
	"Những dấu hiệu nhận biết tội phạm mua bán người",
	"Kết hôn có yếu tố nước ngoài: hiểu đúng để không bị lừa",
	"Chung tay ngăn chặn tội phạm mua bán người",
	"Cảnh giác với thủ đoạn mua bán người qua mạng xã hội",
	"Hiệu quả từ các mô hình phòng, chống mua bán người ở cơ sở",
	"Trang bị kỹ năng tự bảo vệ cho học sinh trước nguy cơ bị mua bán",
	"Đi làm ăn xa: cần tìm hiểu kỹ thông tin trước khi lên đường",
}

var reportages = []string{
	"Chung tay phòng, chống mua bán người ở vùng cao %s",
	"Lời cảnh tỉnh từ những chuyến đi làm thuê bên kia biên giới",
	"Khi phụ nữ vùng cao hiểu luật",
	"Vì sao nhiều lao động tự do sang Trung Quốc làm thuê?",
	"Bình yên bản làng – nói không với mua bán người",
	"Con đường trở về của những nạn nhân bị mua bán",
	"Những tuyên truyền viên ở bản làng %s",
	"Đường dây nóng 18001567: cầu nối tin cậy",
}

var contents = []string{
	"phổ biến Luật Phòng, chống mua bán người năm 2011 và các văn bản hướng dẫn thi hành",
	"phương thức, thủ đoạn của tội phạm mua bán người, nhất là lừa phụ nữ sang Trung Quốc lấy chồng, làm thuê",
	"kỹ năng nhận biết, phòng tránh nguy cơ bị mua bán khi đi làm ăn xa",
	"giới thiệu đường dây nóng 18001567 tư vấn, hỗ trợ phòng, chống mua bán người",
	"trao đổi các tình huống thực tế đã xảy ra trên địa bàn tỉnh",
	"quy định về kết hôn có yếu tố nước ngoài, xuất cảnh, đưa người lao động đi làm việc ở nước ngoài",
	"chính sách hỗ trợ nạn nhân bị mua bán trở về tái hòa nhập cộng đồng",
	"các hành vi bị nghiêm cấm và chế tài xử lý theo Bộ luật Hình sự năm 2015",
	"cảnh giác với lời mời chào việc làm, kết bạn qua mạng xã hội",
}

// describe joins a lead and two or three contents into a description.
func (w *world) describe(lead string) string { return w.describeFrom(contents, lead) }

// describeFrom joins a lead and two or three of the texts, in their
// order, into a description.
func (w *world) describeFrom(texts []string, lead string) string {
	n := w.intn(2, 3)
	idx := w.r.Perm(len(texts))[:n]
	slices.Sort(idx)
	parts := make([]string, n)
	for i, k := range idx {
		parts[i] = texts[k]
	}
	s := strings.Join(parts, "; ")
	if lead == "" {
		return strings.ToUpper(s[:1]) + s[1:] + "."
	}
	return lead + ": " + s + "."
}

var (
	syllable1 = []string{"Nà", "Khuổi", "Pác", "Cốc", "Phiêng", "Lủng", "Nặm", "Khau", "Bó", "Pò", "Nà", "Thôm"}
	syllable2 = []string{"Mạ", "Slảng", "Lẹng", "Đon", "Vài", "Luông", "Mới", "Ỏ", "Cáy", "Khét", "Thẳm", "Pài", "Nưa", "Hin", "Quang", "Tậu"}
)

// village makes up the name of a village (thôn, bản).
func (w *world) village() string {
	kind := "thôn"
	if w.chance(0.3) {
		kind = "bản"
	}
	return kind + " " + pick(w, syllable1) + " " + pick(w, syllable2)
}

// themes returns base plus, sometimes, one more, in the plan's order;
// July adds the national day's theme (III.5).
func (w *world) themes(date string, base ...string) []string {
	return w.themesFrom([]string{"III.2", "III.3", "III.4"}, "III.5", date, base)
}

// themesFrom returns base plus, sometimes, one of more, in the plan's
// order; July adds national, the theme of the national day (30/7).
func (w *world) themesFrom(more []string, national, date string, base []string) []string {
	ts := slices.Clone(base)
	if w.chance(0.4) {
		ts = append(ts, pick(w, more))
	}
	if date[5:7] == "07" && w.chance(0.7) {
		ts = append(ts, national)
	}
	slices.Sort(ts)
	return slices.Compact(ts)
}

// staff is the audience of a meeting of officials: n people, women in
// the share given.
func (w *world) staff(n int, womenLo, womenHi float64) outreach.Audience {
	return w.audience(int64(n), womenLo, womenHi, 0, 0, 0.75, 0.88)
}

// participants sets the participants quantity from the audience.
func participants(a *outreach.Activity, sessions int) {
	a.Quantities = append(a.Quantities, q("sessions", float64(sessions)))
	if a.Audience.Total != nil {
		a.Quantities = append(a.Quantities, q("participants", float64(*a.Audience.Total)))
	}
}

// Provincial departments, as members of "Các Sở, ban, ngành, đoàn thể
// cấp tỉnh": the national day in July, their portals, training.
func (g *gen) provincial() {
	w := g.w
	group, _ := w.plan.Agency("bk-so-nganh")
	ownPortal := map[string]bool{"bk-stttt": true, "bk-ca": true, "bk-svhttdl": true}
	for _, code := range group.Members {
		ag := w.agency(code)
		short := cmp.Or(ag.ShortName, ag.Name)
		for _, y := range years[1:] {
			d := w.dayIn(y, 7, 20, 31, true)
			g.add(code, "V.9.1", d, func(a *outreach.Activity) {
				a.Channel = "IV.4"
				a.Themes = []string{"III.3", "III.5"}
				a.Title = fmt.Sprintf("Sinh hoạt chuyên đề hưởng ứng Ngày toàn dân phòng, chống mua bán người 30/7/%d tại %s", y, short)
				a.Description = w.describe("Nội dung")
				a.Units = []string{w.hq(code, d).Code}
				n := w.intn(25, 80)
				if code == "bk-ca" {
					n = w.intn(100, 200)
				}
				a.Audience = w.staff(n, 0.30, 0.60)
				participants(a, 1)
				w.setCost(a, 0.5, 3)
			})
		}
		if !ownPortal[code] {
			g.stream(code, "V.9.2", 3, season, false, func(a *outreach.Activity) {
				a.Channel = "IV.3"
				a.Themes = w.themes(a.StartDate, "III.1")
				a.Title = fmt.Sprintf("Đăng tin “%s” trên Trang thông tin điện tử %s", pick(w, articles), short)
				a.WholeProvince = true
				a.Quantities = []outreach.ActivityQuantity{q("news_items", float64(w.intn(1, 2)))}
			})
		}
		g.stream(code, "V.9.3", 1, season, true, func(a *outreach.Activity) {
			a.Channel = "IV.5"
			a.Themes = []string{"III.3", "III.4"}
			a.Title = fmt.Sprintf("Cử cán bộ %s tham dự lớp tập huấn kiến thức, kỹ năng truyền thông phòng, chống mua bán người", short)
			a.Units = []string{w.hq("bk-stttt", a.StartDate).Code}
			a.Audience = w.staff(w.intn(2, 5), 0.3, 0.7)
			participants(a, 1)
		})
	}
}

func (g *gen) stttt() {
	w := g.w
	const ag = "bk-stttt"
	g.stream(ag, "V.1.1", 2, season, true, func(a *outreach.Activity) {
		a.Channel = "IV.1"
		a.Themes = w.themes(a.StartDate, "III.1")
		y := a.StartDate[:4]
		if a.StartDate[5:7] == "07" {
			a.Title = fmt.Sprintf("Hướng dẫn các cơ quan báo chí tuyên truyền hưởng ứng Ngày toàn dân phòng, chống mua bán người 30/7/%s", y)
		} else {
			a.Title = fmt.Sprintf("Văn bản hướng dẫn, đôn đốc các cơ quan báo chí trên địa bàn tỉnh tuyên truyền phòng, chống mua bán người năm %s", y)
		}
		a.Description = "Đề nghị Báo Bắc Kạn, Đài Phát thanh và Truyền hình tỉnh, Đài Truyền thanh - Truyền hình các huyện, thành phố mở chuyên mục, tăng thời lượng tin, bài về phòng, chống mua bán người."
		a.WholeProvince = true
	})
	g.stream(ag, "V.1.3", 8, season, false, func(a *outreach.Activity) {
		a.Channel = "IV.3"
		a.Themes = w.themes(a.StartDate, "III.1")
		a.Title = fmt.Sprintf("Đăng tin, bài “%s” trên Cổng thông tin điện tử Sở Thông tin và Truyền thông", pick(w, articles))
		a.WholeProvince = true
		a.Quantities = []outreach.ActivityQuantity{q("news_items", float64(w.intn(1, 3)))}
		w.setCost(a, 0.3, 1.5)
	})
	g.stream(ag, "V.1.4", 3, season, true, func(a *outreach.Activity) {
		a.Channel = "IV.4"
		a.Themes = []string{"III.1"}
		a.Title = fmt.Sprintf("Hội nghị giao ban báo chí tháng %s: định hướng thông tin về phòng, chống mua bán người", monthYear(a.StartDate))
		a.Units = []string{w.hq(ag, a.StartDate).Code}
		a.Audience = w.staff(w.intn(30, 50), 0.35, 0.55)
		participants(a, 1)
		w.setCost(a, 1, 3)
	})
	g.stream(ag, "V.1.5", 3, season, true, func(a *outreach.Activity) {
		a.Channel = "IV.3"
		a.Themes = w.themes(a.StartDate, "III.3", "III.4")
		a.Title = "Cung cấp tin, bài, tài liệu tuyên truyền phòng, chống mua bán người cho Đài Truyền thanh cấp xã"
		a.Description = "Gửi qua hệ thống thông tin cơ sở để phát trên loa truyền thanh các thôn, bản."
		a.WholeProvince = true
		a.Quantities = []outreach.ActivityQuantity{q("news_items", float64(w.intn(3, 10)))}
		w.setCost(a, 1, 4)
	})
	g.stream(ag, "V.1.5", 1, season, true, func(a *outreach.Activity) {
		a.Channel = "IV.5"
		a.Themes = []string{"III.1", "III.3", "III.4"}
		a.Title = "Tập huấn kỹ năng truyền thông phòng, chống mua bán người cho phóng viên, biên tập viên và cán bộ Đài Truyền thanh cấp xã"
		a.Description = w.describe("Nội dung")
		a.EndDate = endAfter(a.StartDate, 1)
		a.Units = []string{w.hq(ag, a.StartDate).Code}
		a.Audience = w.staff(w.intn(60, 110), 0.35, 0.55)
		participants(a, 2)
		w.setCost(a, 15, 35)
	})
	g.stream(ag, "V.1.6", 1.2, season, true, func(a *outreach.Activity) {
		a.Channel = "IV.6"
		a.Themes = []string{"III.3"}
		a.Title = fmt.Sprintf("Thẩm định hồ sơ, cấp giấy phép xuất bản tài liệu không kinh doanh về phòng, chống mua bán người của %s",
			pick(w, []string{"Sở Tư pháp", "Hội Liên hiệp phụ nữ tỉnh", "Công an tỉnh", "Sở Văn hóa, Thể thao và Du lịch"}))
		a.WholeProvince = true
	})
	for _, c := range []struct {
		year  int
		title string
	}{
		{2018, "Hội nghị sơ kết công tác tuyên truyền phòng, chống mua bán người trên các phương tiện thông tin đại chúng của tỉnh năm 2018"},
		{2020, "Hội nghị tổng kết công tác tuyên truyền về Đề án phòng, chống mua bán người trên các phương tiện thông tin đại chúng của tỉnh giai đoạn 2017–2020"},
	} {
		d := w.dayIn(c.year, 12, 8, 18, true)
		g.add(ag, "V.1.2", d, func(a *outreach.Activity) {
			a.Channel = "IV.4"
			a.Themes = []string{"III.1", "III.2"}
			a.Title = c.title
			a.Description = "Đánh giá kết quả, biểu dương các tác phẩm báo chí tiêu biểu, đề ra nhiệm vụ thời gian tới."
			a.Units = []string{w.hq(ag, d).Code}
			a.Audience = w.staff(w.intn(60, 100), 0.35, 0.55)
			participants(a, 1)
			w.setCost(a, 10, 25)
		})
	}
}

func (g *gen) btgtu() {
	w := g.w
	const ag = "bk-btgtu"
	g.stream(ag, "V.1.4", 6, season, true, func(a *outreach.Activity) {
		a.Channel = "IV.4"
		a.Themes = []string{"III.1"}
		a.Title = fmt.Sprintf("Giao ban báo chí tháng %s: định hướng tuyên truyền phòng, chống mua bán người", monthYear(a.StartDate))
		a.Description = "Ban Tuyên giáo Tỉnh ủy chủ trì, Sở Thông tin và Truyền thông phối hợp."
		a.Units = []string{w.hq(ag, a.StartDate).Code}
		a.Audience = w.staff(w.intn(30, 45), 0.35, 0.55)
		participants(a, 1)
		w.setCost(a, 1, 2.5)
	})
}

func (g *gen) womensUnion() {
	w := g.w
	const ag = "bk-hlhpn"
	g.stream(ag, "V.2.1", 5, season, true, func(a *outreach.Activity) {
		d := pick(w, w.districts)
		if w.chance(0.6) {
			d = w.district(w.anyCommune(a.StartDate).ParentCode)
		}
		c := w.center(d.Code, a.StartDate)
		a.Channel = "IV.5"
		a.Themes = w.themes(a.StartDate, "III.3", "III.4")
		a.Title = fmt.Sprintf("Hội nghị tập huấn kỹ năng tuyên truyền phòng, chống mua bán người cho cán bộ Hội Phụ nữ cơ sở %s", place(d))
		a.Description = w.describe("Tổ chức tại " + place(c))
		a.Units = []string{c.Code}
		a.Audience = w.audience(int64(w.intn(50, 90)), 0.85, 0.97, 0, 0, 0.85, 0.92)
		participants(a, w.intn(1, 2))
		w.setCost(a, 10, 25)
	})
	g.stream(ag, "", 20, season, true, func(a *outreach.Activity) {
		c := w.anyCommune(a.StartDate)
		a.Channel = "IV.4"
		a.Themes = w.themes(a.StartDate, "III.3", "III.4")
		if w.chance(0.7) {
			a.Title = fmt.Sprintf("Sinh hoạt chuyên đề phòng, chống mua bán người tại Chi hội Phụ nữ %s, %s", w.village(), place(c))
			a.Audience = w.community([]outreach.Unit{c}, 0.01, 0.03)
			w.setCost(a, 0.3, 1.5)
		} else {
			a.Title = fmt.Sprintf("Truyền thông phòng, chống mua bán người tại phiên chợ %s", place(c))
			a.Audience = w.community([]outreach.Unit{c}, 0.02, 0.06)
			w.setCost(a, 1, 3)
		}
		women := int64(math.Round(float64(*a.Audience.Total) * w.between(0.80, 0.95)))
		a.Audience.Women, a.Audience.Men = n64(women), n64(*a.Audience.Total-women)
		a.Description = w.describe("")
		a.Units = []string{c.Code}
		participants(a, 1)
	})
	// V.2.2: the contest in two districts in 2019, one activity each.
	ds := w.someDistricts(2)
	for i, d := range ds {
		date := w.dayIn(2019, 6+2*i, 10, 25, true)
		g.add(ag, "V.2.2", date, func(a *outreach.Activity) {
			c := w.center(d.Code, date)
			a.Channel = "IV.4"
			a.Themes = []string{"III.2", "III.3", "III.4"}
			a.Title = fmt.Sprintf("Hội thi “Tuyên truyền viên giỏi phòng, chống mua bán người” %s năm 2019", place(d))
			a.Description = fmt.Sprintf("%d đội thi của các xã, thị trấn tham gia phần thi chào hỏi, kiến thức và tiểu phẩm tuyên truyền.", w.intn(8, 14))
			a.Units = []string{c.Code}
			a.Audience = w.audience(int64(w.intn(150, 300)), 0.70, 0.85, 0, 0, 0.86, 0.92)
			a.Quantities = []outreach.ActivityQuantity{q("districts", 1)}
			participants(a, 1)
			a.Cost, a.FundingSource = w.money(25, 40), "ngan-sach"
		})
	}
	d := w.dayIn(2020, 12, 10, 18, true)
	g.add(ag, "V.2.3", d, func(a *outreach.Activity) {
		a.Channel = "IV.4"
		a.Themes = []string{"III.2", "III.3", "III.4", "III.5"}
		a.Title = "Hội nghị tổng kết công tác truyền thông về Đề án phòng, chống mua bán người giai đoạn 2018–2020"
		a.Description = "Hội LHPN tỉnh chủ trì, phối hợp với Sở Thông tin và Truyền thông và các sở, ban, ngành, đoàn thể, địa phương; khen thưởng tập thể, cá nhân tiêu biểu."
		a.Units = []string{w.hq(ag, d).Code}
		a.Audience = w.staff(w.intn(100, 150), 0.6, 0.8)
		participants(a, 1)
		a.Cost, a.FundingSource = w.money(25, 40), "ngan-sach"
	})
}

// someDistricts picks n districts by risk, in code order.
func (w *world) someDistricts(n int) []outreach.Unit {
	ws := make([]float64, len(w.districts))
	for i, d := range w.districts {
		ws[i] = riskOf(d.Code)
	}
	chosen := map[int]bool{}
	for len(chosen) < min(n, len(ws)) {
		i := w.weighted(ws)
		chosen[i] = true
		ws[i] = 0
	}
	var out []outreach.Unit
	for i, d := range w.districts {
		if chosen[i] {
			out = append(out, d)
		}
	}
	return out
}

func (g *gen) police() {
	w := g.w
	const ag = "bk-ca"
	g.stream(ag, "V.3.1", 10, season, false, func(a *outreach.Activity) {
		a.Channel = "IV.3"
		a.Themes = w.themes(a.StartDate, "III.1", "III.3")
		a.Title = fmt.Sprintf("Đăng tin “%s” trên Trang thông tin điện tử Công an tỉnh", pick(w, articles))
		a.WholeProvince = true
		a.Quantities = []outreach.ActivityQuantity{q("news_items", float64(w.intn(1, 2)))}
	})
	g.stream(ag, "V.3.2", 3, season, true, func(a *outreach.Activity) {
		a.Channel = "IV.5"
		a.Themes = []string{"III.3", "III.4"}
		var u outreach.Unit
		if w.chance(0.5) {
			u = w.hq(ag, a.StartDate)
			a.Title = "Hội nghị tập huấn nâng cao kiến thức phòng, chống mua bán người cho cán bộ, chiến sỹ Công an tỉnh"
		} else {
			d := w.district(w.anyCommune(a.StartDate).ParentCode)
			u = w.center(d.Code, a.StartDate)
			a.Title = fmt.Sprintf("Tập huấn kỹ năng phát hiện, điều tra tội phạm mua bán người cho cán bộ, chiến sỹ Công an %s", place(d))
		}
		a.Description = w.describe("Nội dung")
		a.Units = []string{u.Code}
		a.Audience = w.audience(int64(w.intn(60, 150)), 0.08, 0.20, 0, 0, 0.70, 0.85)
		participants(a, 1)
		w.setCost(a, 10, 30)
	})
	g.stream(ag, "V.3.3", 5, season, false, func(a *outreach.Activity) {
		a.Channel = "IV.1"
		a.Themes = w.themes(a.StartDate, "III.1", "III.3")
		a.Title = "Phối hợp Đài PT-TH tỉnh thực hiện chuyên mục “An ninh Bắc Kạn” về phòng, chống mua bán người"
		a.WholeProvince = true
		b := w.intn(1, 3)
		a.Quantities = []outreach.ActivityQuantity{q("broadcasts", float64(b)), q("broadcast_minutes", float64(b*w.intn(10, 15)))}
		w.setCost(a, 2, 5)
	})
	g.stream(ag, "V.3.4", 0.8, season, true, func(a *outreach.Activity) {
		if a.StartDate < "2018-01-01" {
			a.StartDate = w.dayIn(2018, w.intn(3, 11), 1, 28, true)
		}
		c := w.anyCommune(a.StartDate)
		a.Channel = "IV.4"
		a.Themes = []string{"III.3"}
		a.Title = fmt.Sprintf("Phối hợp Tòa án nhân dân tổ chức phiên tòa xét xử lưu động vụ án mua bán người tại %s, %s", place(c), place(w.district(c.ParentCode)))
		a.Description = "Xét xử công khai để tuyên truyền, phòng ngừa và răn đe tội phạm; sau phiên tòa tuyên truyền pháp luật cho người dân dự."
		a.Units = []string{c.Code}
		a.Audience = w.community([]outreach.Unit{c}, 0.05, 0.12)
		a.Quantities = []outreach.ActivityQuantity{q("mobile_trials", 1)}
		participants(a, 1)
		w.setCost(a, 5, 15)
	})
	g.stream(ag, "V.3.5", 4, season, true, func(a *outreach.Activity) {
		c := w.anyCommune(a.StartDate)
		a.Channel = "IV.5"
		a.Themes = []string{"III.3", "III.4"}
		a.Title = fmt.Sprintf("Bồi dưỡng kiến thức phòng, chống mua bán người cho lực lượng nắm tình hình ở thôn, bản %s", place(c))
		a.Description = "Lực lượng tham gia không hưởng lương từ ngân sách nhà nước: trưởng thôn, công an viên, người có uy tín."
		a.Units = []string{c.Code}
		a.Audience = w.audience(int64(w.intn(20, 40)), 0.10, 0.30, 0, 0, 0.88, 0.95)
		participants(a, 1)
		w.setCost(a, 2, 6)
	})
	g.stream(ag, "", 15, season, true, func(a *outreach.Activity) {
		c := w.anyCommune(a.StartDate)
		a.Channel = "IV.4"
		a.Themes = w.themes(a.StartDate, "III.3", "III.4")
		a.Title = fmt.Sprintf("Tuyên truyền phòng, chống mua bán người tại %s, %s", w.village(), place(c))
		a.Description = w.describe("Công an xã phối hợp trưởng thôn")
		a.Units = []string{c.Code}
		a.Audience = w.community([]outreach.Unit{c}, 0.01, 0.05)
		participants(a, 1)
		if w.chance(0.5) {
			w.setCost(a, 0.5, 2)
		}
	})
}

func (g *gen) justice() {
	w := g.w
	const ag = "bk-stp"
	g.stream(ag, "V.4.1", 10, season, true, func(a *outreach.Activity) {
		c := w.anyCommune(a.StartDate)
		a.Channel = "IV.4"
		a.Themes = w.themes(a.StartDate, "III.3", "III.4")
		a.Title = fmt.Sprintf("Hội nghị phổ biến, giáo dục pháp luật về phòng, chống mua bán người tại %s, %s", place(c), place(w.district(c.ParentCode)))
		a.Description = w.describe("Báo cáo viên pháp luật tỉnh trình bày")
		a.Units = []string{c.Code}
		a.Audience = w.community([]outreach.Unit{c}, 0.02, 0.08)
		participants(a, 1)
		w.setCost(a, 3, 8)
	})
	g.stream(ag, "V.4.1", 3, season, true, func(a *outreach.Activity) {
		c := w.anyCommune(a.StartDate)
		a.Channel = "IV.4"
		a.Themes = []string{"III.3", "III.4"}
		a.Title = fmt.Sprintf("Trợ giúp pháp lý lưu động kết hợp tuyên truyền phòng, chống mua bán người tại %s", place(c))
		a.Description = "Tư vấn pháp luật miễn phí về hôn nhân, gia đình, hỗ trợ pháp lý cho nạn nhân bị mua bán."
		a.Units = []string{c.Code}
		a.Audience = w.community([]outreach.Unit{c}, 0.01, 0.04)
		participants(a, 1)
		w.setCost(a, 2, 5)
	})
}

func (g *gen) education() {
	w := g.w
	const ag = "bk-sgddt"
	g.stream(ag, "V.5.1", 10, schoolSeason, true, func(a *outreach.Activity) {
		d := w.district(w.anyCommune(a.StartDate).ParentCode)
		c := w.center(d.Code, a.StartDate)
		a.Channel = "IV.4"
		a.Themes = w.themes(a.StartDate, "III.3", "III.4")
		school := "Trường THPT " + bare(d)
		if w.chance(0.4) {
			school = "Trường Phổ thông Dân tộc nội trú " + place(d)
		}
		a.Title = fmt.Sprintf("Lồng ghép tuyên truyền phòng, chống mua bán người trong giờ chào cờ tại %s", school)
		a.Description = w.describe("Nội dung")
		a.Units = []string{c.Code}
		a.Audience = w.audience(int64(w.intn(300, 700)), 0.48, 0.56, 0.30, 0.45, 0.85, 0.95)
		participants(a, 1)
		if w.chance(0.5) {
			w.setCost(a, 0.5, 2)
		}
	})
	// V.5.2: extracurricular sessions in five schools over 2018–2020.
	schoolYears := []int{2018, 2018, 2019, 2019, 2020}
	months := []int{3, 11, 4, 10, 11}
	seen := map[string]bool{}
	for i, y := range schoolYears {
		date := w.dayIn(y, months[i], 5, 25, true)
		var c outreach.Unit
		for {
			c = w.anyCommune(date)
			if !seen[c.Code] && c.Type == outreach.UnitXa {
				break
			}
		}
		seen[c.Code] = true
		g.add(ag, "V.5.2", date, func(a *outreach.Activity) {
			a.Channel = "IV.4"
			a.Themes = []string{"III.3", "III.4"}
			a.Title = fmt.Sprintf("Buổi ngoại khóa tìm hiểu pháp luật về phòng, chống mua bán người tại Trường PTDTBT THCS %s, %s", bare(c), place(w.district(c.ParentCode)))
			a.Description = "Học sinh lớp 8, lớp 9 tham gia trả lời câu hỏi, xem tiểu phẩm và thảo luận tình huống về nguy cơ bị dụ dỗ, lừa bán."
			a.Units = []string{c.Code}
			a.Audience = w.audience(int64(w.intn(180, 420)), 0.47, 0.55, 0.45, 0.60, 0.88, 0.96)
			a.Quantities = []outreach.ActivityQuantity{q("schools", 1)}
			participants(a, w.intn(1, 2))
			w.setCost(a, 3, 8)
		})
	}
}

func (g *gen) culture() {
	w := g.w
	const ag = "bk-svhttdl"
	g.stream(ag, "V.6.1", 5, season, false, func(a *outreach.Activity) {
		a.Channel = "IV.3"
		a.Themes = w.themes(a.StartDate, "III.1")
		a.Title = fmt.Sprintf("Đăng tin, bài “%s” trên Trang thông tin điện tử Sở Văn hóa, Thể thao và Du lịch", pick(w, articles))
		a.WholeProvince = true
		a.Quantities = []outreach.ActivityQuantity{q("news_items", 1)}
	})
	g.stream(ag, "V.6.2", 5, season, true, func(a *outreach.Activity) {
		c := w.anyCommune(a.StartDate)
		a.Channel = "IV.4"
		a.Themes = w.themes(a.StartDate, "III.2", "III.3")
		a.Title = fmt.Sprintf("Đội Thông tin lưu động tỉnh biểu diễn tiểu phẩm tuyên truyền phòng, chống mua bán người tại %s", place(c))
		a.Description = "Chương trình văn nghệ lồng ghép tiểu phẩm “Lời hứa bên kia biên giới” bằng tiếng Tày và tiếng Việt."
		a.Units = []string{c.Code}
		a.Audience = w.community([]outreach.Unit{c}, 0.03, 0.10)
		participants(a, 1)
		w.setCost(a, 5, 12)
	})
	g.stream(ag, "V.6.3", 1.5, season, true, func(a *outreach.Activity) {
		d := w.district(w.anyCommune(a.StartDate).ParentCode)
		us := []outreach.Unit{w.center(d.Code, a.StartDate)}
		a.Channel = "IV.6"
		a.Themes = []string{"III.4"}
		a.Title = fmt.Sprintf("Lắp đặt pano tuyên truyền phòng, chống mua bán người tại %s, %s", place(us[0]), place(d))
		a.Units = codes(us)
		n := w.intn(2, 5)
		a.Quantities = []outreach.ActivityQuantity{q("panos", float64(n))}
		a.Cost, a.FundingSource = w.money(float64(n)*6, float64(n)*12), "ngan-sach"
	})
}

// press writes, for both press agencies, at least one news item a month.
func (g *gen) press() {
	w := g.w
	for _, y := range years {
		for m := 1; m <= 12; m++ {
			if y == 2017 && m < 9 {
				continue
			}
			extra := season[m-1] * yearFactor[y]
			for range max(1, w.stochastic(1.6*extra)) {
				g.add("bk-bbk", "V.7.1", w.dayIn(y, m, 1, 31, false), func(a *outreach.Activity) {
					a.Channel = "IV.2"
					a.Themes = w.themes(a.StartDate, "III.1")
					t := pick(w, articles)
					if w.chance(0.2) {
						t = fmt.Sprintf("%s: Chung tay phòng, chống mua bán người", bare(pick(w, w.districts)))
					}
					a.WholeProvince = true
					n := 1
					if w.chance(0.15) {
						n = w.intn(2, 3)
						a.Title = fmt.Sprintf("Đăng loạt bài “%s” trên Báo Bắc Kạn in và điện tử", t)
					} else {
						a.Title = fmt.Sprintf("Đăng bài “%s” trên Báo Bắc Kạn", t)
					}
					a.Quantities = []outreach.ActivityQuantity{q("news_items", float64(n))}
					w.setCost(a, 0.5*float64(n), 1.5*float64(n))
				})
			}
			for range max(1, w.stochastic(1.6*extra)) {
				g.add("bk-dptth", "V.7.1", w.dayIn(y, m, 1, 31, false), func(a *outreach.Activity) {
					a.WholeProvince = true
					if w.chance(0.4) {
						r := pick(w, reportages)
						if strings.Contains(r, "%s") {
							r = fmt.Sprintf(r, bare(w.district(w.anyCommune(a.StartDate).ParentCode)))
						}
						a.Channel = "IV.1"
						a.Themes = w.themes(a.StartDate, "III.1", "III.2")
						a.Title = fmt.Sprintf("Phát sóng phóng sự “%s” trên sóng truyền hình Bắc Kạn", r)
						b := 2
						a.Quantities = []outreach.ActivityQuantity{q("news_items", 1), q("broadcasts", float64(b)), q("broadcast_minutes", float64(b*w.intn(10, 15)))}
						w.setCost(a, 3, 8)
					} else {
						a.Channel = "IV.1"
						a.Themes = w.themes(a.StartDate, "III.1")
						a.Title = fmt.Sprintf("Phát sóng tin “%s” trong chương trình Thời sự phát thanh, truyền hình", pick(w, articles))
						b := w.intn(1, 2)
						a.Quantities = []outreach.ActivityQuantity{q("news_items", 1), q("broadcasts", float64(b)), q("broadcast_minutes", float64(b*w.intn(2, 3)))}
						w.setCost(a, 0.3, 1)
					}
				})
			}
		}
	}
	for _, ag := range []string{"bk-bbk", "bk-dptth"} {
		g.stream(ag, "V.7.2", 1, season, true, func(a *outreach.Activity) {
			a.Channel = "IV.5"
			a.Themes = []string{"III.1", "III.3"}
			a.Title = "Cử phóng viên tham dự lớp tập huấn kỹ năng truyền thông phòng, chống mua bán người"
			a.Units = []string{w.hq("bk-stttt", a.StartDate).Code}
			a.Audience = w.staff(w.intn(2, 4), 0.3, 0.7)
			participants(a, 1)
		})
	}
}

// districts writes what the eight districts' People's Committees did in
// their own communes; bigger and riskier districts do more.
func (g *gen) districts() {
	w := g.w
	group, _ := w.plan.Agency("bk-ubnd-huyen")
	for _, code := range group.Members {
		ag := w.agency(code)
		dcode := ag.Unit
		d := w.district(dcode)
		m := math.Sqrt(float64(len(w.districtCommunes(dcode, "2019-01-01")))/15) * (0.85 + 0.06*riskOf(dcode))
		own := func(date string) []outreach.Unit { return w.districtCommunes(dcode, date) }
		g.stream(code, "V.10.1", 4*m, season, true, func(a *outreach.Activity) {
			us := w.someCommunes(dcode, a.StartDate, w.intn(2, 5))
			a.Channel = "IV.6"
			a.Themes = w.themes(a.StartDate, "III.3", "III.4")
			a.Title = fmt.Sprintf("Tuyên truyền lưu động bằng xe thông tin về phòng, chống mua bán người tại %s", names(us))
			a.Description = "Đội Thông tin lưu động huyện phát tờ gấp, đĩa CD do tỉnh cung cấp kết hợp phát loa tại các thôn, bản, chợ phiên."
			a.Units = codes(us)
			runs := len(us) + w.intn(0, 2)
			a.EndDate = endAfter(a.StartDate, len(us)-1)
			a.Audience = w.community(us, 0.01, 0.04)
			a.Quantities = []outreach.ActivityQuantity{q("van_runs", float64(runs)), q("copies", float64(w.intn(100, 600)))}
			a.Cost, a.FundingSource = w.money(1.5*float64(runs), 3*float64(runs)), "ngan-sach"
		})
		g.stream(code, "V.10.2", 6*m, season, false, func(a *outreach.Activity) {
			a.Channel = "IV.3"
			a.Themes = w.themes(a.StartDate, "III.2", "III.3", "III.4")
			if w.chance(0.5) {
				a.Title = fmt.Sprintf("Phát sóng chuyên mục phòng, chống mua bán người trên Đài Truyền thanh - Truyền hình %s tháng %s", place(d), monthYear(a.StartDate))
			} else {
				a.Title = fmt.Sprintf("Tiếp sóng, phát lại tin, bài phòng, chống mua bán người trên đài truyền thanh các xã, thị trấn %s", place(d))
			}
			a.Units = codes(own(a.StartDate))
			a.EndDate = endAfter(a.StartDate, w.intn(5, 25))
			b := w.intn(4, 20)
			a.Quantities = []outreach.ActivityQuantity{q("broadcasts", float64(b)), q("broadcast_minutes", float64(b*w.intn(5, 15)))}
			w.setCost(a, 0.5, 2)
		})
		g.stream(code, "V.10.3", 4*m, season, false, func(a *outreach.Activity) {
			a.Channel = "IV.3"
			a.Themes = w.themes(a.StartDate, "III.1")
			a.Title = fmt.Sprintf("Đăng tin “%s” trên Cổng thông tin điện tử %s", pick(w, articles), place(d))
			a.Units = codes(own(a.StartDate))
			a.Quantities = []outreach.ActivityQuantity{q("news_items", float64(w.intn(1, 2)))}
		})
		g.stream(code, "V.10.4", 3*m, bannerSeason, true, func(a *outreach.Activity) {
			a.Channel = "IV.6"
			a.Themes = w.themes(a.StartDate, "III.4")
			y, mo := parseDate(a.StartDate).Year(), int(parseDate(a.StartDate).Month())
			us := w.someCommunes(dcode, a.StartDate, w.intn(1, 4))
			if mo == 7 {
				a.StartDate = w.dayIn(y, 7, 15, 28, true)
				us = w.someCommunes(dcode, a.StartDate, w.intn(1, 4))
				a.Themes = []string{"III.4", "III.5"}
				a.Title = fmt.Sprintf("Treo băng rôn hưởng ứng Ngày toàn dân phòng, chống mua bán người 30/7 tại %s", names(us))
			} else {
				a.Title = fmt.Sprintf("Treo băng rôn, khẩu hiệu tuyên truyền phòng, chống mua bán người nơi đông người qua lại tại %s", names(us))
			}
			a.Units = codes(us)
			n := w.intn(5, 30)
			a.Quantities = []outreach.ActivityQuantity{q("banners", float64(n))}
			a.Cost, a.FundingSource = w.money(0.15*float64(n), 0.35*float64(n)), "ngan-sach"
		})
		g.stream(code, "V.10.5", 25*m, season, true, func(a *outreach.Activity) {
			c := pick(w, own(a.StartDate))
			us := []outreach.Unit{c}
			a.Units = []string{c.Code}
			a.Themes = w.themes(a.StartDate, "III.3", "III.4")
			a.Channel = "IV.4"
			switch x := w.r.Float64(); {
			case x < 0.35:
				a.Title = fmt.Sprintf("Hội nghị tuyên truyền phòng, chống mua bán người tại %s", place(c))
				k := kind(c)
				a.Description = w.describe(fmt.Sprintf("UBND %s chủ trì, Công an %s, Hội Phụ nữ %s phối hợp", k, k, k))
				a.Audience = w.community(us, 0.02, 0.08)
				participants(a, 1)
				w.setCost(a, 2, 8)
			case x < 0.75:
				a.Title = fmt.Sprintf("Lồng ghép tuyên truyền phòng, chống mua bán người trong cuộc họp %s, %s", w.village(), place(c))
				a.Description = w.describe("")
				a.Audience = w.community(us, 0.01, 0.04)
				participants(a, 1)
			case x < 0.9:
				a.Title = fmt.Sprintf("Tuyên truyền phòng, chống mua bán người kết hợp phòng, chống ma túy tại %s", place(c))
				a.Description = w.describe("")
				a.Audience = w.community(us, 0.02, 0.06)
				participants(a, w.intn(1, 3))
				w.setCost(a, 1, 4)
			default:
				a.Title = fmt.Sprintf("Tổ chức cho các hộ gia đình có người đi làm ăn xa ký cam kết không vi phạm pháp luật về mua bán người tại %s", place(c))
				a.Description = "Trưởng thôn phổ biến quy định, hướng dẫn người đi làm ăn xa thông báo với chính quyền địa phương và giữ liên lạc với gia đình."
				a.Audience = w.community(us, 0.01, 0.03)
				a.Quantities = []outreach.ActivityQuantity{q("pledges", math.Round(float64(*a.Audience.Total)*w.between(0.5, 0.9)))}
				participants(a, 1)
				w.setCost(a, 0.5, 2)
			}
		})
		g.stream(code, "V.10.6", 1, season, true, func(a *outreach.Activity) {
			a.Channel = "IV.5"
			a.Themes = []string{"III.3", "III.4"}
			a.Title = fmt.Sprintf("Cử cán bộ văn hóa - xã hội các xã, thị trấn %s tham dự tập huấn công tác phòng, chống mua bán người", place(d))
			a.Units = []string{w.center(dcode, a.StartDate).Code}
			a.Audience = w.staff(w.intn(5, 18), 0.35, 0.6)
			participants(a, 1)
			w.setCost(a, 0.5, 2.5)
		})
		g.stream(code, "", 1*m, season, true, func(a *outreach.Activity) {
			a.Channel = "IV.5"
			a.Themes = []string{"III.3", "III.4"}
			a.Title = fmt.Sprintf("Tập huấn nghiệp vụ phòng, chống mua bán người cho Ban Chỉ đạo 138 các xã, thị trấn %s", place(d))
			a.Description = w.describe("Nội dung")
			a.Units = []string{w.center(dcode, a.StartDate).Code}
			a.Audience = w.staff(w.intn(40, 80), 0.3, 0.5)
			participants(a, 1)
			w.setCost(a, 8, 20)
		})
	}
}

// publications records the printing of each material of the catalogue by
// the agency that produced it.
func (g *gen) publications() {
	w := g.w
	for _, m := range catalogue {
		g.add(m.agency, m.task, m.published, func(a *outreach.Activity) {
			a.Channel = "IV.6"
			a.Themes = []string{"III.3", "III.4"}
			verb := "Biên soạn, in và phát hành"
			if m.typ == "cd" {
				verb = "Sản xuất và phát hành"
			}
			a.Title = fmt.Sprintf("%s %s", verb, lowerFirst(m.title))
			a.Description = fmt.Sprintf("%d bản, phát hành đến các xã, phường, thị trấn.", m.copies)
			a.WholeProvince = true
			a.Quantities = []outreach.ActivityQuantity{q("copies", float64(m.copies))}
			per := 3000.0
			if m.typ == "cd" {
				per = 15000
			} else if m.typ == "booklet" || m.typ == "guidance" || m.typ == "behaviour_change" {
				per = 12000
			}
			a.Cost = int64(math.Round(float64(m.copies)*per*w.between(0.9, 1.1)/50_000) * 50_000)
			a.FundingSource = "ngan-sach"
		})
	}
}

func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToLower(r)) + s[n:]
}
