package i18n

// problemMessages words the problem codes of outreach (outreach.Prob*):
// key "problem."+code → {Vietnamese, English}. The arguments are those the
// code documents in internal/outreach/activity.go; callers turn ISO dates
// into dd/mm/yyyy and numbers into text before formatting.
var problemMessages = map[string][2]string{
	"problem.required":        {"không được để trống", "is required"},
	"problem.too_long":        {"dài quá %v ký tự", "must be at most %v characters"},
	"problem.bad_date":        {"ngày không hợp lệ %q (dùng dd/mm/yyyy hoặc yyyy-mm-dd)", "not a valid date: %q (use dd/mm/yyyy or yyyy-mm-dd)"},
	"problem.date_order":      {"không được trước ngày bắt đầu %v", "must not be before the start date %v"},
	"problem.places_both":     {"ghi hoặc \"Toàn tỉnh\" hoặc danh sách địa bàn, không ghi cả hai", "either the whole province or a list of units, not both"},
	"problem.places_none":     {"cần ghi địa bàn (mã hoặc tên xã, phường, thị trấn, cách nhau bằng dấu ;) hoặc \"Toàn tỉnh\"", "give the units reached (codes or names separated by ;), or the whole province"},
	"problem.twice":           {"%v được ghi hai lần", "%v is listed twice"},
	"problem.unknown":         {"%q không có trong kế hoạch", "%q is not in the plan"},
	"problem.negative":        {"không được là số âm (%v)", "must not be negative (%v)"},
	"problem.exceeds_total":   {"%v lớn hơn tổng số người %v", "%v exceeds the total %v"},
	"problem.no_source":       {"có kinh phí thì phải ghi nguồn kinh phí", "say where the money came from when there is a cost"},
	"problem.bad_link":        {"đường dẫn %q phải bắt đầu bằng https:// hoặc http://", "the link %q must start with https:// or http://"},
	"problem.out_of_plan":     {"hoạt động phải diễn ra trong thời gian của kế hoạch (%v–%v)", "the activity must fall within the plan's years %v–%v"},
	"problem.group":           {"%q là nhóm cơ quan; hãy ghi cho một cơ quan thành viên", "%q is a group of agencies; record under one of its members"},
	"problem.no_unit":         {"không có đơn vị mã %v có hiệu lực trong khoảng %v – %v", "no unit %v was in force between %v and %v"},
	"problem.outside":         {"%v nằm ngoài tỉnh của kế hoạch", "%v is outside the plan's province"},
	"problem.others_spending": {"kinh phí và nguồn kinh phí của hoạt động do chính cơ quan thực hiện ghi (hoặc báo cáo viên của địa phương nơi cơ quan đó trực thuộc); hãy để trống hai ô này", "an activity's cost and funding source are given by the agency itself (or by the reporter of its own unit); leave both empty"},
	"problem.forbidden":       {"bạn không có quyền ghi số liệu cho cơ quan hoặc địa bàn này", "you may not record this for this agency or these places"},

	// Wordings of problems that share a code but not its arguments.
	"problem.exceeds_total_sum":   {"số nữ và số nam cộng lại (%v) lớn hơn tổng số người %v", "women and men together (%v) exceed the total %v"},
	"problem.already_imported":    {"tệp này (cùng nội dung) đã được nhập trước đây", "this file (same content) was already imported"},
	"problem.already_imported_on": {"tệp này (cùng nội dung) đã được nhập lúc %v bởi %v", "this file (same content) was already imported on %v by %v"},
	"problem.no_rows":             {"tệp không có dòng dữ liệu nào", "the file has no rows"},
	"problem.column":              {"Cột %q: %s", "Column %q: %s"},
	"problem.column_value":        {"Cột %q, giá trị %q: %s", "Column %q, value %q: %s"},
}

func init() { register(problemMessages) }
