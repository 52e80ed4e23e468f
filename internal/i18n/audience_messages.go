package i18n

// audienceMessages are the words about an activity's audience that are
// not labels of the form: the warning shown after saving an activity that
// reached more people than live in its places, and the word that marks a
// flash message as a warning rather than a confirmation; merged into
// messages.
var audienceMessages = map[string][2]string{
	// Arguments: the people-times recorded and the census population of
	// the places, both already formatted as numbers.
	"activity.over_reach": {
		"Số lượt người (%s) lớn hơn dân số của các địa bàn đã chọn (%s người, TĐTDS 2019). Vui lòng kiểm tra lại; nếu đúng là lượt người (một người được tiếp cận nhiều lần), có thể giữ nguyên.",
		"People reached (%s) exceed the population of the places chosen (%s people, 2019 census). Please check; if they are people-times (one person reached several times), it can stay as it is.",
	},
	// The word before a warning's text, so that it does not rest on
	// colour alone.
	"flash.warning": {"Lưu ý:", "Note:"},
}

func init() { register(audienceMessages) }
