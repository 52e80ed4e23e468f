package i18n

// dashboardMessages are the words of the dashboard; merged into messages.
var dashboardMessages = map[string][2]string{
	"dashboard.title":           {"Theo dõi mục tiêu", "Targets dashboard"},
	"dashboard.former_province": {"các xã, phường, thị trấn thuộc %s cũ (nay thuộc %s)", "the communes of former %s (now in %s)"},
	"dashboard.year":            {"Năm", "Year"},
	"dashboard.tree":            {"Danh mục đơn vị tại ngày", "Unit tree as of"},
	"dashboard.no_own_plan":     {"chưa có kế hoạch phục vụ kế hoạch này", "no plan serves this one here"},
	"dashboard.own_plan":        {"kế hoạch của địa phương", "its own plan"},
	"dashboard.whole_area":      {"Toàn địa bàn kế hoạch", "The plan's whole area"},
	"dashboard.window":          {"Số liệu cộng dồn từ năm %d đến hết năm %d; đơn vị hành chính theo danh mục ngày %s.", "Figures cumulated from %d to the end of %d; units as they stood on %s."},
	"dashboard.method":          {"Cách tính các chỉ tiêu", "How indicators are computed"},
	"dashboard.goal":            {"mục tiêu %s (năm %d)", "goal %s by %d"},
	"dashboard.trend":           {"Diễn biến theo năm", "Trend by year"},
	"dashboard.by_unit":         {"Theo đơn vị", "By unit"},
	"dashboard.col_communes":    {"Số xã", "Communes"},
	"dashboard.map":             {"Bản đồ: tỷ lệ xã đã nhận và triển khai tài liệu (II.2.1)", "Map: communes that received and deployed materials (II.2.1)"},
	"dashboard.map_none":        {"Chưa có ranh giới cho các đơn vị này. Nạp ranh giới bằng lệnh: outreach units boundaries TỆP.geojson (ví dụ ranh giới huyện năm 2019, xã năm 2025 trong ../shared/data).", "No boundaries for these units yet. Import them with: outreach units boundaries FILE.geojson."},
	"dashboard.legend":          {"Chú giải:", "Legend:"},
	"dashboard.attention":       {"Xã cần quan tâm", "Communes that need attention"},
	"dashboard.why":             {"Lý do", "Why"},
	"dashboard.none_attention":  {"Không có xã nào cần quan tâm.", "No commune needs attention."},
	"dashboard.activities":      {"%d hoạt động trong năm %d", "%d activities in %d"},
	"dashboard.by_month":        {"Theo tháng", "By month"},
	"dashboard.spending":        {"Kinh phí theo nguồn", "Spending by funding source"},
	"attention.no_materials":    {"chưa nhận tài liệu", "no materials received"},
	"attention.not_deployed":    {"đã nhận, chưa triển khai", "received, not deployed"},
	"attention.no_model":        {"xã trọng điểm chưa có mô hình", "key area without a model"},
	"status.achieved":           {"Đạt", "Achieved"},
	"status.on_track":           {"Đúng tiến độ", "On track"},
	"status.at_risk":            {"Có nguy cơ không đạt", "At risk"},
	"status.behind":             {"Chậm, chưa đạt", "Behind"},
	"status.not_applicable":     {"Không áp dụng", "Not applicable"},
	"doc.english":               {"Tài liệu kỹ thuật (tiếng Anh).", "Technical document."},
}

func init() { register(dashboardMessages) }
