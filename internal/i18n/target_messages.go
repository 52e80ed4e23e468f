package i18n

// targetMessages are the words of the targets' vocabulary on the
// dashboard: expected values, capped coverage, estimates, missed periods
// and entries whose reach passes the population; merged into messages.
var targetMessages = map[string][2]string{
	"target.expected":     {"kỳ vọng năm %d: %s, hướng tới mốc năm %d", "expected in %d: %s, toward the %d milestone"},
	"target.people_times": {"%s lượt người (chưa giới hạn theo dân số)", "%s people-times (not capped at the population)"},
	"target.estimate":     {"mẫu số ước tính", "estimated denominator"},
	"target.missed":       {"Chưa đạt: %s", "Missed: %s"},
	"target.people":       {"Số lượt người", "People-times"},
	"target.population":   {"Dân số địa bàn", "Population of the places"},

	"attention.over_reached":     {"số lượt người vượt dân số", "people reached above the population"},
	"attention.over_reach_title": {"Hoạt động có số người vượt dân số địa bàn", "Activities reaching more people than live in their places"},
	"attention.over_reach_help":  {"Số lượt người ghi nhận lớn hơn dân số (TĐTDS 2019) của các địa bàn đã chọn. Có thể đúng (một người được tiếp cận nhiều lần) hoặc nhập nhầm; tỷ lệ bao phủ chỉ tính tối đa bằng dân số của từng xã.", "The people-times recorded exceed the 2019 census population of the places chosen. That may be right (one person reached several times) or a typo; coverage counts at most each commune's population."},
}

func init() { register(targetMessages) }
