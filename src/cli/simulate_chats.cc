// cli/simulate_chats.cc: the template families, keyword obfuscations and generator behind
// `bantay simulate chats`.
//
// Every message is one short template with slots. `[term]` marks a detection keyword (the
// only text an obfuscation touches), `{name}` a slot: either another list of templates or a
// variable of the conversation ({age}, {grade}, {ctrl}, ...). Per SAFETY.md the templates are
// plain sentences with single keywords in them; keep them that way.
#include "cli/simulate_chats.h"
#include "cli/sim_rng.h"

#include <algorithm>
#include <array>
#include <bit>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <deque>
#include <initializer_list>
#include <iterator>
#include <random>
#include <unordered_map>

namespace bantay::cli {
namespace {

// ---- Random numbers -------------------------------------------------------------------------

using Rng = SimRng;

// ---- Templates ------------------------------------------------------------------------------

struct List;

enum class Var : uint8_t {
  kAge,    // the child's age (positives 8-15; children in hard negatives 5-12)
  kGrade,  // school grade matching kAge
  kAdult,  // an adult's stated age, 19-35
  kOld,    // an older adult's age, 28-64
  kUsd,    // a dollar amount
  kPhp,    // a peso amount
  kK,      // thousands, for "2k"
  kCtrl,   // a 10-digit control number
  kMin,    // minutes
  kHour,   // an hour of the clock
  kPeer,   // the name of the other participant
};

struct Piece {
  enum Kind : uint8_t { kText, kKeyword, kList, kVar };
  Kind kind = kText;
  Var var = Var::kAge;
  std::string_view text;       // kText, kKeyword
  const List* list = nullptr;  // kList
};

struct Template {
  std::vector<Piece> pieces;
};

struct List {
  std::vector<Template> items;
};

// The same list in the three corpus languages.
struct Tri {
  List en, tl, ceb;
};

enum Lang : uint8_t { kEn, kTl, kCeb };
constexpr std::string_view kLangNames[] = {"en", "tl", "ceb"};

// All template lists. Built once, read-only afterwards.
struct Library {
  std::string error;  // empty when every template parsed

  List name, country, city, day, hobby, subject, amt, pay, wallet, pay_adult;
  Tri greet, greet_reply, filler, ask_about, age_probe, age_bare, age_stmt, grade_probe,
      grade_answer, groom, solicit, child_react, pay_offer, child_pay_react, bye;
  List adult_intro, pay_detail, logistics, request_nopay;
  // facilitator
  List cust_open, fac_open, cust_reply_open, fac_offer, cust_ask, fac_confirm, fac_price, cust_pay,
      fac_after;
  // adult_cam
  List cam_cust_open, cam_perf_open, cam_reply, cam_age_probe, adult_age_stmt, cam_price,
      cam_cust_pay, cam_after;
  // remittance
  Tri remit_open, remit_send, remit_reply;
  // tutoring
  List tutor_open_parent, tutor_reply_open, parent_child_info, tutor_terms, parent_pay,
      student_lines, tutor_student;
  // sex_education
  List sexed_open, sexed_lines, sexed_parent, sexed_tl;
  // adult_dating
  List date_open, date_age, date_flirt, date_reply, date_tl;
  // small_talk
  Tri talk;
};

class LibraryBuilder {
 public:
  explicit LibraryBuilder(Library* lib) : lib_(lib) {}

  void Def(std::string_view name, List* list, std::initializer_list<const char*> items) {
    index_[name] = list;
    defs_.push_back({list, std::vector<const char*>(items)});
  }
  void Def(std::string_view name, Tri* tri, std::initializer_list<const char*> en,
           std::initializer_list<const char*> tl, std::initializer_list<const char*> ceb) {
    names_.push_back(std::string(name) + "_en");
    Def(names_.back(), &tri->en, en);
    names_.push_back(std::string(name) + "_tl");
    Def(names_.back(), &tri->tl, tl);
    names_.push_back(std::string(name) + "_ceb");
    Def(names_.back(), &tri->ceb, ceb);
  }

  // Parses every definition; the first problem goes to lib->error.
  void Finish() {
    for (const auto& [list, items] : defs_) {
      for (const char* item : items) {
        Template t;
        if (!Parse(item, &t)) return;
        list->items.push_back(std::move(t));
      }
      if (list->items.empty()) {
        lib_->error = "empty template list";
        return;
      }
    }
  }

 private:
  static bool CleanLiteral(std::string_view s) {
    for (size_t i = 0; i < s.size(); ++i) {
      const unsigned char c = static_cast<unsigned char>(s[i]);
      // Plain templates are lower-case ASCII without runs of three equal letters, so that
      // obfuscations are recognisable in tests by their traces.
      if (c >= 0x80 || (c >= 'A' && c <= 'Z')) return false;
      if (i >= 2 && c >= 'a' && c <= 'z' && s[i - 1] == s[i] && s[i - 2] == s[i]) return false;
    }
    return true;
  }

  bool Parse(std::string_view s, Template* t) {
    static const std::unordered_map<std::string_view, Var> kVars = {
        {"age", Var::kAge}, {"grade", Var::kGrade}, {"adult", Var::kAdult}, {"old", Var::kOld},
        {"usd", Var::kUsd}, {"php", Var::kPhp},     {"k", Var::kK},         {"ctrl", Var::kCtrl},
        {"min", Var::kMin}, {"hour", Var::kHour},   {"peer", Var::kPeer}};
    auto fail = [&](const char* why) {
      lib_->error = std::string("template \"") + std::string(s) + "\": " + why;
      return false;
    };
    if (!CleanLiteral(s)) return fail("must be lower-case ASCII without triple letters");
    size_t i = 0;
    while (i < s.size()) {
      const char c = s[i];
      if (c == '[' || c == '{') {
        const char close = c == '[' ? ']' : '}';
        const size_t end = s.find(close, i + 1);
        if (end == std::string_view::npos || end == i + 1) return fail("unclosed or empty");
        const std::string_view inner = s.substr(i + 1, end - i - 1);
        Piece p;
        if (c == '[') {
          p.kind = Piece::kKeyword;
          p.text = inner;
        } else if (auto v = kVars.find(inner); v != kVars.end()) {
          p.kind = Piece::kVar;
          p.var = v->second;
        } else if (auto l = index_.find(inner); l != index_.end()) {
          p.kind = Piece::kList;
          p.list = l->second;
        } else {
          return fail("unknown slot");
        }
        t->pieces.push_back(p);
        i = end + 1;
      } else {
        const size_t end = std::min(s.find('[', i), s.find('{', i));
        const size_t stop = end == std::string_view::npos ? s.size() : end;
        Piece p;
        p.kind = Piece::kText;
        p.text = s.substr(i, stop - i);
        t->pieces.push_back(p);
        i = stop;
      }
    }
    return true;
  }

  Library* lib_;
  std::unordered_map<std::string_view, List*> index_;
  std::vector<std::pair<List*, std::vector<const char*>>> defs_;
  std::deque<std::string> names_;  // stable storage for the keys of Tri lists
};

void BuildLibrary(Library* l) {
  LibraryBuilder b(l);
  // ---- Slot fillers ----
  b.Def("name", &l->name,
        {"maria",   "ana",      "joy",   "grace",   "jenny",   "kristine", "angel",  "mae",
         "lovely",  "princess", "rose",  "april",   "jasmine", "cherry",   "nicole", "john",
         "mark",    "paul",     "james", "michael", "david",   "peter",    "tom",    "steve",
         "richard", "hans",     "lars",  "kevin",   "jun",     "rey",      "carlo",  "migs",
         "ella",    "bea",      "kyla",  "trisha",  "liza",    "gina",     "noel",   "ben",
         "chris",   "alex",     "sam",   "jomar",   "rica",    "lea",      "dan",    "erik",
         "mike",    "tony"});
  b.Def("country", &l->country,
        {"the uk", "the us", "usa", "australia", "canada", "germany", "norway", "sweden",
         "the netherlands", "denmark", "new zealand", "japan", "dubai", "switzerland"});
  b.Def("city", &l->city,
        {"manila",         "cebu",     "davao",       "iloilo",         "bacolod", "tacloban",
         "cagayan de oro", "pampanga", "quezon city", "general santos", "london",  "sydney",
         "melbourne",      "toronto",  "texas",       "california",     "berlin",  "oslo",
         "singapore",      "riyadh",   "hong kong"});
  b.Def("day", &l->day,
        {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "tomorrow"});
  b.Def("hobby", &l->hobby,
        {"basketball", "music", "dancing", "drawing", "mobile legends", "tiktok", "singing",
         "reading", "cooking", "volleyball", "movies", "anime"});
  b.Def("subject", &l->subject,
        {"english", "reading", "phonics", "grammar", "math", "science", "conversation"});
  b.Def("amt", &l->amt,
        {"{usd} [usd]", "[usd] {usd}", "${usd}", "{usd} [dollars]", "{k}k [php]", "{php} [pesos]",
         "[php] {php}", "{php} [php]", "{usd} [usd]", "{k}k"});
  b.Def("pay", &l->pay,
        {"[western union]", "[moneygram]", "[remitly]", "[gcash]", "[paymaya]", "[palawan express]",
         "[cebuana]", "[bitcoin]", "[usdt]", "[paypal]", "[wu]", "[palawan]", "[maya]",
         "[cebuana lhuillier]", "[western union]", "[gcash]"});
  b.Def("wallet", &l->wallet, {"[gcash]", "[paymaya]", "[maya]", "[paypal]"});
  b.Def("pay_adult", &l->pay_adult,
        {"[paypal]", "[bitcoin]", "[usdt]", "[crypto]", "[cashapp]", "[venmo]", "[gcash]"});

  // ---- Shared conversation moves ----
  b.Def("greet", &l->greet,
        {"hi", "hello", "hey", "hi there", "hello {peer}", "hi {peer}", "hey {peer}, how are you",
         "good morning", "good evening", "hi how are you", "hello, nice to meet you",
         "hey whats up", "hi again", "hello po", "good afternoon"},
        {"hi", "hello po", "kumusta ka", "musta na", "uy hi", "magandang gabi",
         "magandang umaga po", "hello {peer}", "kumusta ka na {peer}", "hi po, musta"},
        {"hi", "kumusta ka", "maayong buntag", "maayong gabii", "musta na ka", "hello {peer}",
         "hi, unsa imong gibuhat", "maayong hapon"});
  b.Def("greet_reply", &l->greet_reply,
        {"hello", "hi", "hi po", "hello po", "im fine", "im good, you?", "who is this?",
         "hi who are you", "fine thanks", "hello too", "hey", "good evening po", "ok lang"},
        {"ok lang po", "mabuti naman", "hello po", "hi din", "sino to?", "sino po sila?",
         "ayos lang", "hello, musta", "ok naman po", "eto lang po"},
        {"ok ra", "maayo man", "kinsa ni?", "hello pud", "hi", "ok ra ko", "kinsa man ni?",
         "hello, musta"});
  b.Def("filler", &l->filler,
        {"haha",
         "ok",
         "lol",
         "nice",
         "what are you doing?",
         "just eating",
         "im bored",
         "where are you from?",
         "im from {city}",
         "it is raining here",
         "so hot today",
         "are you there?",
         "sorry slow reply",
         "brb",
         "ok wait",
         "no signal here",
         "what time is it there?",
         "its late here",
         "do you like {hobby}?",
         "i like {hobby}",
         "cool",
         "really?",
         "yes",
         "no",
         "maybe",
         "thanks",
         "ty",
         "hmm",
         "ok sure",
         "what do you mean?",
         "i see",
         "same here",
         "good night",
         "did you eat already?",
         "i just woke up",
         "my phone is low batt",
         "lol same",
         "nothing much",
         "are you busy?",
         "not really",
         "i am watching videos about {hobby}"},
        {"haha",
         "sige",
         "ano ginagawa mo?",
         "kain lang",
         "saan ka?",
         "taga {city} ako",
         "ang init ngayon",
         "wala naman",
         "oo",
         "hindi",
         "sige po",
         "ok lang po",
         "bakit?",
         "nandyan ka pa?",
         "wait lang",
         "busy ako",
         "nakakainip",
         "kumain ka na?",
         "tapos na",
         "sige sige",
         "grabe",
         "hala",
         "totoo?",
         "ewan",
         "mahina signal dito",
         "sino kasama mo?",
         "gusto ko ng {hobby}",
         "anong oras na dyan?",
         "inaantok na ako"},
        {"haha",
         "sige",
         "unsa imong gibuhat?",
         "asa ka?",
         "taga {city} ko",
         "init kaayo karon",
         "oo",
         "dili",
         "ngano man?",
         "naa ka pa?",
         "kadiyot lang",
         "kapoy kaayo",
         "wala ra",
         "nikaon na ka?",
         "hala",
         "tinuod?",
         "ambot",
         "hinay ang signal diri",
         "kinsa imong kauban?",
         "ganahan ko og {hobby}",
         "unsa oras na diha?",
         "katulgon na ko",
         "sige lang"});
  b.Def("bye", &l->bye, {"ok bye", "talk later", "gtg", "bye", "see you", "ok ill go now"},
        {"sige bye", "mamaya ulit", "alis muna ako", "bye po", "sige po"},
        {"sige bye", "unya na lang", "una na ko", "bye", "sige sa"});

  // ---- Ages and school ----
  b.Def("ask_about", &l->ask_about,
        {"tell me about yourself", "are you a [student]?", "you still study?", "what do you do?",
         "introduce yourself", "you live with your parents?", "you still in [school]?"},
        {"kwento ka naman tungkol sayo", "[estudyante] ka pa?", "nag-aaral ka pa ba?",
         "sino kasama mo sa bahay?", "ano ginagawa mo sa buhay?"},
        {"estorya sa imong kaugalingon", "[estudyante] pa ka?", "nag-eskwela pa ka?",
         "kinsa imong kauban sa balay?"});
  b.Def("age_probe", &l->age_probe,
        {"[how old are you]?", "[how old r u]", "[whats your age]?", "[age]?",
         "[how old] are you now", "may i know your [age]", "[asl]?", "[how old are u]",
         "u [how old]?", "can i ask your [age]?"},
        {"[ilang taon] ka na?", "[ilang taon] ka", "[ilan taon] ka na po", "[edad] mo?",
         "[anong edad] mo", "[ilang taon] ka na ba?"},
        {"[pila imong edad]?", "[pila na imong edad]", "[pila ka tuig] na ka?", "[pila ka tuig]",
         "[unsa imong edad]?", "[pila] na ka ka [tuig]?"});
  b.Def("age_bare", &l->age_bare,
        {"{age}", "{age} po", "{age}.", "{age} lol", "{age} why?", "just {age}", "{age} only"},
        {"{age} po", "{age}", "{age} lang po", "{age} po bakit?"},
        {"{age}", "{age} ra", "{age} pa", "{age} ngano man?"});
  b.Def(
      "age_stmt", &l->age_stmt,
      {"im {age}", "i am {age} years old", "{age} yrs old", "{age} y/o", "im only {age}",
       "i'm {age} po", "{age} years old po", "[grade] {grade} po", "im in [grade] {grade}",
       "[grade] {grade} pa lang po", "turning {age} this year", "just turned {age}", "{age} yo",
       "im {age} yrs", "im {age} and in [grade] {grade}", "{age} po, [grade] {grade}",
       "i am a [student], {age} years old"},
      {"{age} na po ako", "{age} taon na po", "{age} po ako", "[grade] {grade} po ako",
       "{age} lang po", "{age} years old na po", "{age} po, [grade] {grade}", "mag {age} na po",
       "[estudyante] pa po, {age}"},
      {"{age} anyos ko", "{age} na ko", "{age} ka tuig na ko", "[grade] {grade} ko", "{age} pa ko",
       "{age} tuig", "{age} ra ko", "{age} anyos na ko", "[estudyante] pa ko, {age}"});
  b.Def("grade_probe", &l->grade_probe,
        {"what [grade] are you?", "you still in [school]?", "are you in [elementary]?",
         "what [grade] r u", "[high school] already?"},
        {"anong [grade] mo na?", "nag-aaral ka pa?", "[grade] ilan ka na?"},
        {"unsa nga [grade] na ka?", "nag-eskwela pa ka?", "[grade] pila na ka?"});
  b.Def("grade_answer", &l->grade_answer,
        {"[grade] {grade}", "yes [grade] {grade} po", "[grade] {grade} this year",
         "yes in [school] po", "[elementary] pa po"},
        {"[grade] {grade} po", "opo [grade] {grade}", "[elementary] pa po"},
        {"[grade] {grade} ko", "oo [grade] {grade}", "[elementary] pa ko"});

  // ---- Positive moves (keyword level only) ----
  b.Def("adult_intro", &l->adult_intro,
        {"im from {country}", "i live in {country}", "i am {name} from {country}",
         "i work in {country} as engineer", "im a businessman from {country}",
         "{old} m from {country}", "i am {old} and single", "i visit the philippines often",
         "i will come to {city} next month", "i have a house in {country}"});
  b.Def("groom", &l->groom,
        {"you are so cute", "you look pretty", "you are very mature for your age",
         "can we be friends?", "i can help your family", "dont tell your mom about me",
         "this is our [secret] ok", "[delete] our chats after", "are you [alone] now?",
         "do you have a boyfriend?", "i will buy you a new phone", "i like talking to you",
         "you can trust me", "i will take care of you"},
        {"ang cute mo", "ang ganda mo", "wag mo sabihin sa mama mo", "[secret] lang natin to",
         "[delete] mo chat natin", "mag-isa ka ba ngayon?", "may boyfriend ka na?",
         "bibilhan kita ng bagong phone", "tutulungan kita", "pwede ba tayo mag friends?"},
        {"gwapa kaayo ka", "ayaw isulti sa imong mama", "[sekreto] lang nato ni",
         "[delete] ang atong chat", "ikaw ra ba karon?", "naa kay uyab?",
         "paliton tika og bag-ong cellphone", "tabangan tika"});
  b.Def("solicit", &l->solicit,
        {"can you do [private cam show]?", "how much for a [private show]?",
         "i want a [cam show] with you", "do a [show] for me on [cam]",
         "lets [video call], [private show] only", "can you [undress] on [cam]?",
         "i pay for [naked] [cam show]", "[naked] on [video call], i pay",
         "[private cam show] tonight?", "want to earn? just [show] on [cam]", "you do [sexy show]?",
         "[nude] on [cam] and i send money", "only [private show], no one will know",
         "turn on [cam] and [undress]", "[sexy] [video call] later?", "i want [private show] now",
         "can we do [cam to cam]?", "[undress] on [video call]?"},
        {"pwede ka [pakita] sa [cam]?", "[hubad] ka sa [video call]", "gusto ko [private show] mo",
         "[show] ka lang sa [cam], bibigyan kita [pera]", "[private show] tayo mamaya",
         "[pakita] ka naman", "[video call] tayo, [hubad] lang", "pwede [cam show] ngayon?",
         "kahit saglit lang na [show]", "[sexy] [show] ka naman", "[maghubad] ka lang sa [cam]"},
        {"[pakita] ka sa [cam]", "[hubo] ka sa [video call]", "[private show] ta karon",
         "[show] lang ka, naay [kwarta]", "gusto ko og [cam show] nimo",
         "[video call] ta, [hubo] lang", "kadiyot ra nga [show]", "pwede ka mag [private show]?",
         "[sexy] [show] ra"});
  b.Def("child_react", &l->child_react,
        {"what show?",
         "i dont know",
         "im scared",
         "ok",
         "why?",
         "for real?",
         "hmm",
         "i dont understand",
         "later",
         "my mom might see",
         "is it ok?",
         "what do you mean?",
         "i have [school] tomorrow",
         "idk",
         "wait",
         "im shy",
         "no i dont want",
         "maybe",
         "ok po",
         "what is that?"},
        {"ano po yun?", "ayoko po", "natatakot ako", "baka makita ni mama", "sige po", "bakit po?",
         "di ko alam", "mamaya na po", "totoo po?", "nahihiya ako", "wag na po",
         "ano po ibig mo sabihin?", "may [pasok] pa ako bukas"},
        {"unsa na?", "dili ko", "mahadlok ko", "basin makita ni mama", "sige", "ngano man?",
         "ambot", "unya na lang", "tinuod?", "maulaw ko", "ayaw na", "naa pa koy [klase] ugma"});
  b.Def("pay_offer", &l->pay_offer,
        {"i will send {amt} via {pay}",
         "i pay {amt}",
         "ill send {pay} now",
         "give me your {wallet} number",
         "whats your name for {pay}?",
         "ill give you {amt} after",
         "send me your full name for {pay}",
         "i will give you the [control number] later",
         "[control number] is {ctrl}",
         "you can [cash pick-up] at {pay}",
         "i already sent {amt}, [mtcn] {ctrl}",
         "i can send [bitcoin] or [usdt]",
         "{amt} ok for you?",
         "{amt} for {min} minutes",
         "half now {amt}, half after",
         "money is ready, {pay} ok?",
         "check your {pay}",
         "i will [padala] {amt} tomorrow",
         "you will get {amt} every [show]",
         "i send [allowance] {amt} every week"},
        {"[padala] ko {amt} sa [gcash] mo", "[bayad] ko {amt}", "bibigyan kita {amt}",
         "send ko sa [palawan]", "ano [gcash] number mo?", "may [control number] na",
         "[pera] agad pag [show] ka", "{amt} sayo pag pumayag ka", "padadalhan kita thru {pay}",
         "[claim] mo sa [cebuana] bukas", "i send {amt} via {pay}, ok?"},
        {"[padala] ko {amt} sa imong [gcash]", "[bayad] dayon ko", "naay [kwarta] para nimo",
         "[cebuana] ko i-send", "unsa imong [gcash]?", "{amt} para nimo",
         "naa nay [control number]", "i-[claim] sa [palawan] ugma", "hatagan tika og {amt}"});
  b.Def("child_pay_react", &l->child_pay_react,
        {"how much po?", "i dont have [gcash]", "my mom has [gcash]", "what is [control number]?",
         "ok po", "where is {pay}?", "i need to ask my ate", "for real {amt}?", "ok thank you",
         "i cant go out alone"},
        {"magkano po?", "wala po ako [gcash]", "kay mama po yung [gcash]",
         "ano po [control number]?", "sige po", "totoo po {amt}?", "paano po i-[claim]?"},
        {"pila man?", "wala koy [gcash]", "kang mama ang [gcash]", "unsa ang [control number]?",
         "sige", "tinuod {amt}?"});
  b.Def("pay_detail", &l->pay_detail,
        {"go to {pay} and claim it", "bring your id to {pay}", "the [reference number] is {ctrl}",
         "[sender name] is {name}", "its [cash pick-up], no bank needed",
         "[transfer] done, check {pay}", "ask your ate to claim at {pay}"});
  b.Def("logistics", &l->logistics,
        {"turn on your [cam] at {hour}pm", "use [video call] on messenger", "are you [alone] now?",
         "tell me when you are ready", "[video call] after your [school]", "use earphones",
         "make sure no one sees"});
  b.Def("request_nopay", &l->request_nopay,
        {"can you [undress] on [cam]?", "send me a [nude] photo", "lets have a [private cam show]",
         "be [naked] on [video call]", "send a [sexy] pic", "want to [sex chat]?",
         "show me on [cam], [private show] only", "do [cam to cam] with me",
         "[naked] [video call] later?", "send [nudes]"});

  // ---- facilitator ----
  b.Def("cust_open", &l->cust_open,
        {"hi you have [cam show]?", "i saw your post about [private show]", "any [show] today?",
         "hello, is the [private show] available?", "hi, my friend gave me your number for [show]",
         "you still do [cam show]?"});
  b.Def("fac_open", &l->fac_open,
        {"hi sir, want [private show]?", "hello sir, [cam show] available today",
         "sir [show] po tayo?", "hi sir, [young] one available",
         "good evening sir, [private show] po"});
  b.Def(
      "cust_reply_open", &l->cust_reply_open,
      {"how much?", "who is available?", "tell me more", "ok what do you have", "yes interested"});
  b.Def("fac_offer", &l->fac_offer,
        {"my [niece] is {age}, she can do [show]", "[bata] pa siya, {age} lang",
         "my [daughter] is {age} years old", "[pamangkin] ko {age} years old, pwede [show]",
         "she is [grade] {grade} only", "two [kids], the older one is {age}",
         "my little [sister] is {age}, available for [cam show]",
         "[anak] ko {age} na, [private show] ok", "my [cousin] {age} y/o can join [video call]",
         "the [girl] is {age}, [bata] pa", "[minor] pa siya sir, {age}"});
  b.Def("cust_ask", &l->cust_ask,
        {"how old is she?", "is she really {age}?", "ok, [private show] with her how much?",
         "is it [naked] [show]?", "[video call] now?", "can i see her on [cam] first?",
         "is she [alone]?"});
  b.Def("fac_confirm", &l->fac_confirm,
        {"yes {age} po", "{age} lang po siya", "[bata] pa po, [grade] {grade}",
         "yes sir, [private show] ok", "yes sir, [young] pa", "opo sir"});
  b.Def("fac_price", &l->fac_price,
        {"{amt} for {min} minutes [private show]", "[advance payment] first via {pay}",
         "send {pay} first then [video call]", "[bayad] muna bago [show]", "[padala] ka muna {amt}",
         "i need the [control number] first", "{amt} for [private show] only",
         "[payment] first sir, {pay} only", "pa-[send] sa {pay}, name is {name}"});
  b.Def("cust_pay", &l->cust_pay,
        {"ok i send {amt} thru {pay}", "[mtcn] {ctrl}", "sent already, check {pay}",
         "whats the name for {pay}?", "ok [control number] {ctrl}", "i sent {amt} [bitcoin]",
         "ok {amt} sent"});
  b.Def("fac_after", &l->fac_after,
        {"received po, wait lang", "ok ready na po", "[video call] at {hour}pm", "no recording sir",
         "thank you sir, next time again", "wait 5 minutes po"});

  // ---- adult_cam (hard negative) ----
  b.Def("cam_cust_open", &l->cam_cust_open,
        {"hi are you online now?", "do you do [private show]?", "hey, saw your [cam] profile",
         "hi, how much for [private show]?", "are you available for [cam show] tonight?",
         "hello, you do [sexy show]?"});
  b.Def("cam_perf_open", &l->cam_perf_open,
        {"hi [babe], im online for [private show]", "hello, want a [cam show] tonight?",
         "hi, im available for [private cam show]", "welcome to my [cam room]",
         "hey, [private show] open now"});
  b.Def("cam_reply", &l->cam_reply, {"yes", "hi", "how much?", "sure", "maybe, how much?"});
  b.Def("cam_age_probe", &l->cam_age_probe,
        {"are you over 18?", "[how old are you]?", "you are an [adult] right?", "[age]?",
         "are you [18+]?"});
  b.Def("adult_age_stmt", &l->adult_age_stmt,
        {"im {adult}", "{adult} y/o", "im {adult} years old", "all my models are [18+]",
         "[18+] only here", "im {adult}, [verified] [adult] model", "{adult} na ako",
         "[adult] [cam model] here, {adult} years old", "yes im {adult}, id [verified]",
         "of course, im {adult}", "{adult} [babe], [adult] only"});
  b.Def("cam_price", &l->cam_price,
        {"[private show] is {amt} for {min} minutes", "{amt} per [cam show]",
         "[tip] via {pay_adult}", "pay via [paypal] or [bitcoin]", "[usdt] accepted",
         "[nude] show is extra {amt}", "{min} minutes [sexy show] for {amt}",
         "[prepaid] only, {pay_adult}", "send to my {pay_adult} first"});
  b.Def("cam_cust_pay", &l->cam_cust_pay,
        {"ok sending {amt} on [paypal]", "how much for [private cam show]?",
         "can you do [sexy show]?", "sent, check your {pay_adult}", "ok {amt} is fine",
         "i sent [bitcoin]", "deal, {min} minutes"});
  b.Def("cam_after", &l->cam_after,
        {"thanks [babe], [cam] on in {min} minutes", "see you in my [private room]",
         "received, ready", "come back anytime", "thanks for the [tip]"});

  // ---- remittance (hard negative) ----
  b.Def("remit_open", &l->remit_open,
        {"hi ma", "hello ate", "hi love, how are the [kids]?", "hello kuya", "hi hon",
         "good morning ma", "hello, kumusta mga [bata]?"},
        {"hi ma", "hello ate", "kumusta mga [bata]?", "hello kuya", "musta kayo dyan?"},
        {"hi ma", "kumusta mo diha?", "hello, kumusta ang mga [bata]?", "hello manang"});
  b.Def("remit_send", &l->remit_send,
        {"i sent {amt} via {pay}", "the [control number] is {ctrl}",
         "its for the [school fees] of {name}", "{name}'s [tuition] is due this week",
         "[allowance] for the [kids] this month", "for the [kids] [baon]",
         "{name} is in [grade] {grade} now", "{name} turns {age} next week",
         "the [kids] need [school supplies]", "you can [cash pick-up] at [cebuana]",
         "check your [gcash], i sent {amt}", "[mtcn] {ctrl}, claim it tomorrow",
         "this is for the [enrollment] of {name}", "extra {amt} for {name}'s [birthday]",
         "i will [padala] again on payday", "use it for the [school project]"},
        {"[padala] ko na {amt} sa {pay}", "ito [control number] {ctrl}",
         "pang [tuition] ni {name} yan", "[allowance] ng mga [bata] ngayong buwan",
         "pang [baon] ng mga [bata]", "[grade] {grade} na si {name} diba?",
         "kailangan ng [school supplies] ng mga [bata]", "[claim] mo sa [palawan] bukas",
         "check mo [gcash] mo, nagpadala ako", "para sa [enrollment] ni {name}",
         "dagdag {amt} sa [birthday] ni {name}"},
        {"[padala] nako {amt} sa {pay}", "mao ni ang [control number] {ctrl}",
         "para sa [tuition] ni {name}", "[allowance] sa mga [bata] karong bulana",
         "pang [baon] sa mga [bata]", "[grade] {grade} na si {name}", "i-[claim] sa [cebuana] ugma",
         "tan-awa imong [gcash], naa nay [kwarta]"});
  b.Def("remit_reply", &l->remit_reply,
        {"received, thank you", "got it, thanks", "the [kids] say hi",
         "lets [video call] later so the [kids] can see you", "{name} got high grades",
         "ok i will claim it tomorrow", "thank you, we miss you", "the [school] needs {amt} more",
         "{name} is {age} now, growing fast", "i paid the [tuition] already",
         "ok ill go to {pay} later"},
        {"natanggap ko na, salamat", "salamat, ingat ka dyan", "hi daw sabi ng mga [bata]",
         "[video call] tayo mamaya para makita ka ng mga [bata]", "mataas grades ni {name}",
         "sige [claim] ko bukas", "{age} na si {name}, ang laki na", "nabayaran ko na [tuition]",
         "miss ka na namin"},
        {"nadawat na nako, salamat", "salamat, amping diha", "hi kuno ang mga [bata]",
         "[video call] ta unya aron makita ka sa mga [bata]", "taas ang grado ni {name}",
         "sige i-[claim] nako ugma", "{age} na si {name}, dako na"});

  // ---- tutoring (hard negative) ----
  b.Def("tutor_open_parent", &l->tutor_open_parent,
        {"hi teacher, i saw your ad for [english] lessons", "hello, do you teach [kids] online?",
         "good day teacher, looking for a [tutor] for my son", "hi, are you the [online tutor]?",
         "hello po teacher, may slot pa po kayo?"});
  b.Def("tutor_reply_open", &l->tutor_reply_open,
        {"yes, i teach {subject} online", "hello, yes i have slots", "good day, yes i am a [tutor]",
         "hi, yes, [kids] and adults"});
  b.Def("parent_child_info", &l->parent_child_info,
        {"my son is {age}", "my [daughter] is in [grade] {grade}",
         "she is {age} years old and needs help with {subject}",
         "he is [grade] {grade}, shy but smart", "my son is {age}, weak in {subject}",
         "si {name} po ay [grade] {grade}", "my [kids] are {age} and 7"});
  b.Def("tutor_terms", &l->tutor_terms,
        {"lessons are {amt} per hour", "we use [video call] on zoom",
         "please turn on your [cam] during the [lesson]", "[paypal] or [gcash] for payment",
         "next [lesson] is {day} at {hour}pm", "first [trial lesson] is free",
         "i send the [homework] after class", "payment is per month, {amt}",
         "[cam] on so i can see the notebook", "we read a short story every [lesson]"});
  b.Def("parent_pay", &l->parent_pay,
        {"ok i sent payment via [paypal]", "can we do a [trial lesson]?",
         "sent {amt} to your [gcash]", "is {day} ok for the [lesson]?", "thank you teacher",
         "how much for 10 [lessons]?", "he liked the [lesson] today"});
  b.Def("student_lines", &l->student_lines,
        {"good morning teacher", "teacher my [cam] is not working", "i finished my [homework]",
         "can we read the story again?", "sorry im late teacher", "teacher i cant hear you",
         "thank you teacher, bye", "{age} po teacher"});
  b.Def("tutor_student", &l->tutor_student,
        {"good job today {peer}", "please turn on your [cam]", "open your book to page {hour}",
         "lets practice {subject}", "see you {day}", "say it again slowly",
         "[how old are you] now {peer}?", "did you do your [homework]?"});

  // ---- sex_education (hard negative) ----
  b.Def("sexed_open", &l->sexed_open,
        {"hi maam, question about the [sex education] class", "hello, this is the [school] nurse",
         "good morning, about the [health class] for [grade] 6", "hi sir, parent of {name} here",
         "hello teacher, quick question"});
  b.Def("sexed_lines", &l->sexed_lines,
        {"we have [sex education] class for [grade] 6 on {day}",
         "the [puberty] talk is for [kids] aged 10 to 12",
         "the [reproductive health] module is ready", "please sign the [consent form]",
         "the nurse will explain [menstruation]",
         "the [school] nurse can give [medicine] for cramps", "the [kids] learn about body changes",
         "[sex ed] is part of the curriculum", "the book for [health class] costs {amt}",
         "we will talk about [puberty] and hygiene", "questions from the [kids] are welcome",
         "[sex education] is age appropriate for [grade] {grade}"});
  b.Def("sexed_parent", &l->sexed_parent,
        {"is [sex ed] ok for {age} year olds?", "my [daughter] is {age}, is she too young for it?",
         "ok i signed the [consent form]", "how much is the [tuition] this term?",
         "i paid the [tuition] via [gcash]", "thank you for explaining",
         "will boys and girls be separate?", "does she need [medicine] for cramps?",
         "the [kids] asked me about [puberty] at home"});
  b.Def("sexed_tl", &l->sexed_tl,
        {"may [sex education] sila sa [grade] 6 sa {day}", "pirmahan po ang [consent form]",
         "bayad sa [tuition] via [gcash]", "tungkol sa [puberty] at kalinisan",
         "ok po salamat sa paliwanag", "[reproductive health] po ang topic bukas",
         "magkano po ang [tuition] ngayong term?"});

  // ---- adult_dating (hard negative) ----
  b.Def("date_open", &l->date_open,
        {"hey [babe]", "hi handsome", "hi beautiful", "hey you, miss me?", "good evening [baby]",
         "hi, saw your profile on the app", "hey, we matched"});
  b.Def("date_age", &l->date_age,
        {"im {adult}, you?", "{adult} here", "{adult} m", "{adult} f",
         "i turned {adult} last month", "{adult} na ako, ikaw?"});
  b.Def("date_flirt", &l->date_flirt,
        {"you look [sexy] tonight", "want to [hook up] later?", "i feel [horny]", "lets [sex chat]",
         "send me a [sexy] photo", "come over [babe]", "i miss your [kiss]",
         "are you [naked] right now haha", "[sex] tonight?", "[date] night on friday?",
         "wear something [sexy]", "lets [video call] later [baby]", "your place or mine?",
         "i cant stop thinking about you", "[netflix and chill]?", "[kiss] me when you get here"});
  b.Def("date_reply", &l->date_reply,
        {"haha maybe", "you wish", "ok [babe]", "i like that", "not tonight, tired",
         "sure, what time?", "stop it lol", "see you later", "ok [baby]", "you are so naughty"});
  b.Def("date_tl", &l->date_tl,
        {"[miss] na kita [babe]", "punta ka dito mamaya", "ang [sexy] mo talaga",
         "tara [date] tayo", "sige [baby] mamaya", "[kiss] kita"});

  // ---- small_talk (hard negative) ----
  b.Def("talk", &l->talk,
        {"did you watch the [basketball] game?",
         "my [phone] is broken",
         "[video call] later?",
         "send me the [photo] from the party",
         "i need to buy [load]",
         "going to the [mall] later",
         "the [kids] are asleep already",
         "work is tiring today, [overtime] again",
         "[school] starts in june",
         "the [rent] is due again",
         "did you get the [package]?",
         "i will cook [adobo] tonight",
         "[traffic] is bad on edsa",
         "my [laptop] is slow",
         "happy [birthday] to your mom",
         "the [typhoon] is coming",
         "i am at the [market]",
         "lets [meet] at jollibee",
         "[church] tomorrow?",
         "i got a new [job]"},
        {"napanood mo [basketball] kagabi?", "sira [phone] ko", "[video call] tayo mamaya?",
         "send mo yung [picture] sa party", "bibili ako ng [load]", "punta ako [mall] mamaya",
         "tulog na mga [bata]", "pagod sa [trabaho]", "sa june na ang [pasukan]",
         "bayad na ng [renta]", "dumating na [package] mo?", "magluluto ako ng [adobo]",
         "[traffic] sa edsa", "may [bagyo] daw", "[simbahan] bukas?"},
        {"nakatan-aw ka sa [basketball]?", "guba akong [cellphone]", "[video call] ta unya?",
         "i-send ang [picture] sa party", "mopalit ko og [load]", "moadto ko sa [mall] unya",
         "tulog na ang mga [bata]", "kapoy sa [trabaho]", "sa hunyo na ang [klase]",
         "naa nay [bagyo]", "[simba] ugma?"});
  b.Finish();
}

const Library& GetLibrary() {
  static Library lib;
  static const bool built = (BuildLibrary(&lib), true);
  (void)built;
  return lib;
}

// ---- Obfuscation ----------------------------------------------------------------------------

enum Obf : uint8_t {
  kNoObf,
  kLeet,
  kSpacing,
  kHomoglyph,
  kRepeat,
  kZeroWidth,
  kCase,
  kVowels,
  kMixed
};
constexpr int kObfCount = 9;
constexpr std::string_view kObfNames[kObfCount] = {
    "none", "leet", "spacing", "homoglyph", "repeat", "zero_width", "case", "vowels", "mixed"};
constexpr Obf kBaseKinds[] = {kLeet, kSpacing, kHomoglyph, kRepeat, kZeroWidth, kCase, kVowels};

bool IsLetter(char c) { return c >= 'a' && c <= 'z'; }
bool IsContinuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Word extents [begin, end) of a keyword (words are separated by single spaces).
struct Span {
  uint32_t begin, end;
};
int SplitWords(std::string_view s, std::array<Span, 8>* words) {
  int n = 0;
  size_t i = 0;
  while (i < s.size() && n < 8) {
    while (i < s.size() && s[i] == ' ') ++i;
    const size_t b = i;
    while (i < s.size() && s[i] != ' ') ++i;
    if (i > b) (*words)[n++] = {static_cast<uint32_t>(b), static_cast<uint32_t>(i)};
  }
  return n;
}

// Look-alike letters: Cyrillic and Greek code points that render like the Latin letter.
uint32_t Homoglyph(char c, Rng& rng) {
  switch (c) {
    case 'a':
      return rng.Chance(0.8) ? 0x0430 : 0x03B1;
    case 'c':
      return 0x0441;
    case 'e':
      return 0x0435;
    case 'h':
      return 0x04BB;
    case 'i':
      return rng.Chance(0.7) ? 0x0456 : 0x03B9;
    case 'j':
      return 0x0458;
    case 'k':
      return 0x043A;
    case 'o':
      return rng.Chance(0.7) ? 0x043E : 0x03BF;
    case 'p':
      return 0x0440;
    case 's':
      return 0x0455;
    case 'u':
      return 0x03C5;
    case 'v':
      return 0x03BD;
    case 'x':
      return 0x0445;
    case 'y':
      return 0x0443;
    default:
      return 0;
  }
}

// Leetspeak: digits and symbols that stand for letters.
char Leet(char c, Rng& rng) {
  switch (c) {
    case 'a':
      return rng.Chance(0.75) ? '4' : '@';
    case 'b':
      return '8';
    case 'e':
      return '3';
    case 'g':
      return '9';
    case 'i':
      return rng.Chance(0.75) ? '1' : '!';
    case 'l':
      return '1';
    case 'o':
      return '0';
    case 's':
      return rng.Chance(0.75) ? '5' : '$';
    case 't':
      return '7';
    default:
      return 0;
  }
}

constexpr uint32_t kZeroWidthChars[] = {0x200B, 0x200C, 0x2060};

// Applies one obfuscation kind to `in` (a keyword, possibly already transformed by another
// kind) and appends the result to `out`. Returns false, appending `in` unchanged, when the
// kind cannot change this keyword. Non-ASCII bytes pass through untouched.
class Obfuscator {
 public:
  explicit Obfuscator(Rng& rng) : rng_(rng) {}

  bool Apply(Obf kind, std::string_view in, std::string* out) {
    switch (kind) {
      case kLeet:
        return ApplyLeet(in, out);
      case kSpacing:
        return ApplySpacing(in, out);
      case kHomoglyph:
        return ApplyHomoglyph(in, out);
      case kRepeat:
        return ApplyRepeat(in, out);
      case kZeroWidth:
        return ApplyZeroWidth(in, out);
      case kCase:
        return ApplyCase(in, out);
      case kVowels:
        return ApplyVowels(in, out);
      default:
        out->append(in);
        return false;
    }
  }

 private:
  // Positions eligible for a change, one of which is forced so that something changes.
  void CollectStart() { eligible_.clear(); }
  size_t Forced() { return eligible_.empty() ? SIZE_MAX : eligible_[rng_.Below(eligible_.size())]; }
  bool Chosen(size_t pos, size_t forced, double p) { return pos == forced || rng_.Chance(p); }

  bool ApplyLeet(std::string_view in, std::string* out) {
    // Mostly inside words, as in "w3stern", "p4yp4l"; sometimes a digit for the first or
    // last letter of a word of three letters or more too ("0ld", "5exy", "pr1v4t3").
    std::array<Span, 8> words;
    const int n = SplitWords(in, &words);
    CollectStart();
    edges_.clear();
    for (int w = 0; w < n; ++w) {
      for (uint32_t i = words[w].begin + 1; i + 1 < words[w].end; ++i) {
        if (IsLetter(in[i]) && IsLetter(in[i - 1]) && LeetCapable(in[i])) eligible_.push_back(i);
      }
      if (words[w].end - words[w].begin < 3) continue;
      // Each edge letter with the letter inside the word beside it.
      for (const auto& [edge, inner] : {std::pair{words[w].begin, words[w].begin + 1},
                                        std::pair{words[w].end - 1, words[w].end - 2}}) {
        if (IsLetter(in[edge]) && IsLetter(in[inner]) && LeetDigit(in[edge]) != 0) {
          edges_.emplace_back(edge, inner);
        }
      }
    }
    if (eligible_.empty()) return Unchanged(in, out);
    const size_t forced = Forced();
    const size_t start = out->size();
    out->append(in);
    for (size_t pos : eligible_) {
      if (Chosen(pos, forced, 0.5)) (*out)[start + pos] = Leet(in[pos], rng_);
    }
    // Not beside a changed letter: each run of changes keeps letters on both sides, the
    // trace a test looks for.
    for (const auto& [pos, inner] : edges_) {
      if ((*out)[start + inner] != in[inner]) continue;
      if (rng_.Chance(0.2)) (*out)[start + pos] = LeetDigit(in[pos]);
    }
    return true;
  }
  // The digit for a letter at a word's edge, where a symbol would read as punctuation.
  static char LeetDigit(char c) {
    constexpr std::string_view kPairs = "a4b8e3g9i1l1o0s5t7";
    for (size_t k = 0; k < kPairs.size(); k += 2) {
      if (kPairs[k] == c) return kPairs[k + 1];
    }
    return 0;
  }
  static bool LeetCapable(char c) { return std::strchr("abegilost", c) != nullptr; }

  bool ApplySpacing(std::string_view in, std::string* out) {
    // One word of the keyword, letters joined by one separator: "w e s t e r n union".
    std::array<Span, 8> words;
    const int n = SplitWords(in, &words);
    CollectStart();
    for (int w = 0; w < n; ++w) {
      if (CodePoints(in.substr(words[w].begin, words[w].end - words[w].begin)) >= 3) {
        eligible_.push_back(w);
      }
    }
    if (eligible_.empty()) return Unchanged(in, out);
    const Span word = words[Forced()];
    const double r = rng_.Unit();
    const char sep = r < 0.45 ? ' ' : (r < 0.75 ? '.' : '-');
    out->append(in.substr(0, word.begin));
    for (uint32_t i = word.begin; i < word.end; ++i) {
      if (i > word.begin && !IsContinuation(in[i])) out->push_back(sep);
      out->push_back(in[i]);
    }
    out->append(in.substr(word.end));
    return true;
  }

  bool ApplyHomoglyph(std::string_view in, std::string* out) {
    CollectStart();
    for (size_t i = 0; i < in.size(); ++i) {
      if (IsLetter(in[i])) eligible_.push_back(i);
    }
    if (eligible_.empty()) return Unchanged(in, out);
    if (rng_.Chance(0.25)) {
      // Fullwidth forms of every letter: U+FF41 'ａ' ... U+FF5A 'ｚ'.
      for (char c : in) {
        if (IsLetter(c)) {
          AppendUtf8(0xFF41 + (c - 'a'), out);
        } else {
          out->push_back(c);
        }
      }
      return true;
    }
    // Cyrillic / Greek look-alikes for a random subset of the letters that have one.
    size_t w = 0;
    for (size_t pos : eligible_) {
      if (Homoglyph(in[pos], rng_) != 0) eligible_[w++] = pos;
    }
    eligible_.resize(w);
    if (eligible_.empty()) return Unchanged(in, out);
    const size_t forced = Forced();
    size_t next = 0;
    for (size_t i = 0; i < in.size(); ++i) {
      if (next < eligible_.size() && eligible_[next] == i) {
        ++next;
        if (Chosen(i, forced, 0.5)) {
          AppendUtf8(Homoglyph(in[i], rng_), out);
          continue;
        }
      }
      out->push_back(in[i]);
    }
    return true;
  }

  bool ApplyRepeat(std::string_view in, std::string* out) {
    // One letter of one word stretched to 3-5 copies, mostly the last: "nakeddd", "cashhh".
    CollectStart();
    for (size_t i = 0; i < in.size(); ++i) {
      if (IsLetter(in[i])) eligible_.push_back(i);
    }
    if (eligible_.empty()) return Unchanged(in, out);
    size_t pos = eligible_[rng_.Below(eligible_.size())];
    if (rng_.Chance(0.7)) {
      // The last letter of the word that holds `pos`.
      while (pos + 1 < in.size() && IsLetter(in[pos + 1])) ++pos;
    }
    out->append(in.substr(0, pos + 1));
    out->append(static_cast<size_t>(rng_.Range(2, 4)), in[pos]);
    out->append(in.substr(pos + 1));
    return true;
  }

  bool ApplyZeroWidth(std::string_view in, std::string* out) {
    // Between two characters of one word (never at a word's edge).
    CollectStart();
    for (size_t i = 1; i < in.size(); ++i) {
      if (!IsContinuation(in[i]) && in[i] != ' ' && in[i - 1] != ' ') eligible_.push_back(i);
    }
    if (eligible_.empty()) return Unchanged(in, out);
    const size_t forced = Forced();
    size_t next = 0;
    for (size_t i = 0; i < in.size(); ++i) {
      if (next < eligible_.size() && eligible_[next] == i) {
        ++next;
        if (Chosen(i, forced, 0.15)) AppendUtf8(kZeroWidthChars[rng_.Below(3)], out);
      }
      out->push_back(in[i]);
    }
    return true;
  }

  bool ApplyCase(std::string_view in, std::string* out) {
    CollectStart();
    for (size_t i = 0; i < in.size(); ++i) {
      if (IsLetter(in[i])) eligible_.push_back(i);
    }
    if (eligible_.empty()) return Unchanged(in, out);
    const bool all = rng_.Chance(0.2);
    const size_t forced = Forced();
    const size_t start = out->size();
    out->append(in);
    for (size_t pos : eligible_) {
      if (all || Chosen(pos, forced, 0.5)) (*out)[start + pos] = static_cast<char>(in[pos] - 32);
    }
    return true;
  }

  bool ApplyVowels(std::string_view in, std::string* out) {
    // Text-speak: the vowels after a word's first letter left out ("nkd", "pypl", "stdnt"),
    // in words of four letters or more that keep three; short words stay whole.
    std::array<Span, 8> words;
    const int n = SplitWords(in, &words);
    CollectStart();
    for (int w = 0; w < n; ++w) {
      const Span word = words[w];
      size_t kept = 1, letters = 0;
      for (uint32_t i = word.begin; i < word.end; ++i) {
        letters += IsLetter(in[i]);
        kept += i > word.begin && IsLetter(in[i]) && !IsVowel(in[i]);
      }
      if (letters == word.end - word.begin && letters >= 4 && kept >= 3 && kept < letters) {
        eligible_.push_back(static_cast<size_t>(w));
      }
    }
    if (eligible_.empty()) return Unchanged(in, out);
    const size_t forced = Forced();
    size_t from = 0;
    for (size_t w : eligible_) {
      if (!Chosen(w, forced, 0.7)) continue;
      out->append(in.substr(from, words[w].begin + 1 - from));
      for (uint32_t i = words[w].begin + 1; i < words[w].end; ++i) {
        if (!IsVowel(in[i])) out->push_back(in[i]);
      }
      from = words[w].end;
    }
    out->append(in.substr(from));
    return true;
  }
  static bool IsVowel(char c) { return std::strchr("aeiou", c) != nullptr && c != 0; }

  static size_t CodePoints(std::string_view s) {
    size_t n = 0;
    for (char c : s) n += IsContinuation(c) ? 0 : 1;
    return n;
  }
  static bool Unchanged(std::string_view in, std::string* out) {
    out->append(in);
    return false;
  }

  Rng& rng_;
  std::vector<size_t> eligible_;
  // ApplyLeet: letters at a word's edge, each with the letter inside the word beside it.
  std::vector<std::pair<uint32_t, uint32_t>> edges_;
};

// ---- Families -------------------------------------------------------------------------------

// A message to be written: which participant says it, drawn from which list.
struct Beat {
  uint8_t role;
  const List* list;
};

// What a family script decides about one conversation.
struct Script {
  Script(Rng& r, const Library& l) : rng(r), lib(l) {}

  Rng& rng;
  const Library& lib;
  Lang lang = kEn;
  int age = 12;
  int grade = 6;
  std::vector<Beat> beats;

  void Say(int role, const List& list) { beats.push_back({static_cast<uint8_t>(role), &list}); }
  void Say(int role, const Tri& tri) { Say(role, T(tri)); }
  template <class L>
  void Maybe(double p, int role, const L& list) {
    if (rng.Chance(p)) Say(role, list);
  }
  template <class L>
  void Some(int lo, int hi, int role, const L& list) {
    for (int i = rng.Range(lo, hi); i > 0; --i) Say(role, list);
  }
  const List& T(const Tri& tri) const {
    return lang == kEn ? tri.en : lang == kTl ? tri.tl : tri.ceb;
  }
  // Mostly the conversation's language, sometimes English (a foreign adult writing).
  const List& Mostly(const Tri& tri, double p_local) {
    return rng.Chance(p_local) ? T(tri) : tri.en;
  }
  void SetChildAge(int lo, int hi) {
    age = rng.Range(lo, hi);
    grade = std::clamp(age - 6, 1, 10);
  }
};

constexpr int kA = 0;  // the participant who opens (the adult in positives)
constexpr int kB = 1;  // the other participant

// The child states an age: asked directly, asked about themselves, or unprompted.
void ChildAge(Script& s) {
  const auto& L = s.lib;
  const double r = s.rng.Unit();
  if (r < 0.5) {
    s.Say(kA, s.Mostly(L.age_probe, 0.8));
    s.Say(kB, s.rng.Chance(0.5) ? s.T(L.age_bare) : s.T(L.age_stmt));
  } else if (r < 0.8) {
    s.Say(kA, s.Mostly(L.ask_about, 0.8));
    s.Say(kB, L.age_stmt);
  } else {
    s.Say(kB, L.age_stmt);
  }
  if (s.rng.Chance(0.35)) {
    s.Say(kA, L.grade_probe);
    s.Say(kB, L.grade_answer);
  }
}

// paid_show_minor (en), taglish (tl), cebuano (ceb): a foreign adult asks a child's age, asks
// for a cam show and offers payment.
void PaidShowScript(Script& s, double p_payment) {
  const auto& L = s.lib;
  s.SetChildAge(8, 15);
  s.Say(kA, s.Mostly(L.greet, 0.6));
  s.Say(kB, L.greet_reply);
  s.Maybe(0.5, kA, L.adult_intro);
  ChildAge(s);
  for (int i = s.rng.Range(0, 2); i > 0; --i) s.Say(kA, s.Mostly(L.groom, 0.7));
  const bool payment = s.rng.Chance(p_payment);
  const bool pay_first = payment && s.rng.Chance(0.3);
  auto pay = [&] {
    s.Say(kA, s.Mostly(L.pay_offer, 0.7));
    s.Maybe(0.6, kB, L.child_pay_react);
    if (s.rng.Chance(0.5)) s.Say(kA, s.rng.Chance(0.5) ? L.pay_detail : s.T(L.pay_offer));
  };
  if (pay_first) pay();
  s.Say(kA, s.Mostly(L.solicit, 0.75));
  s.Say(kB, L.child_react);
  if (s.rng.Chance(0.5)) {
    s.Say(kA, s.Mostly(L.solicit, 0.75));
    s.Maybe(0.7, kB, L.child_react);
  }
  if (payment && !pay_first) pay();
  s.Maybe(0.3, kA, L.logistics);
  s.Maybe(0.3, kB, L.bye);
}

void PaidShowMinor(Script& s) {
  s.lang = kEn;
  PaidShowScript(s, 1.0);
}
void Taglish(Script& s) {
  s.lang = kTl;
  PaidShowScript(s, 0.85);
}
void Cebuano(Script& s) {
  s.lang = kCeb;
  PaidShowScript(s, 0.85);
}

// An adult offers a child relative for a paid cam show. kA is the customer, kB the facilitator.
void Facilitator(Script& s) {
  const auto& L = s.lib;
  s.lang = s.rng.Chance(0.6) ? kEn : kTl;
  s.SetChildAge(7, 15);
  if (s.rng.Chance(0.5)) {
    s.Say(kA, L.cust_open);
    s.Say(kB, L.greet_reply);
  } else {
    s.Say(kB, L.fac_open);
    s.Say(kA, L.cust_reply_open);
  }
  s.Some(1, 2, kB, L.fac_offer);
  if (s.rng.Chance(0.6)) {
    s.Say(kA, L.cust_ask);
    s.Say(kB, L.fac_confirm);
  }
  s.Some(1, 2, kB, L.fac_price);
  s.Some(1, 2, kA, L.cust_pay);
  s.Maybe(0.6, kB, L.fac_after);
}

// Age stated, then sexual request keywords; no payment.
void GroomingNoPayment(Script& s) {
  const auto& L = s.lib;
  s.lang = kEn;
  s.SetChildAge(8, 15);
  s.Say(kA, L.greet);
  s.Say(kB, L.greet_reply);
  ChildAge(s);
  s.Some(1, 3, kA, L.groom);
  s.Say(kA, L.request_nopay);
  s.Say(kB, L.child_react);
  if (s.rng.Chance(0.5)) {
    s.Say(kA, L.request_nopay);
    s.Maybe(0.6, kB, L.child_react);
  }
  s.Maybe(0.3, kA, L.groom);
}

// Adult cam commerce: the performer states an adult age. kB is the performer.
void AdultCam(Script& s) {
  const auto& L = s.lib;
  s.lang = kEn;
  if (s.rng.Chance(0.5)) {
    s.Say(kA, L.cam_cust_open);
    s.Say(kB, L.cam_perf_open);
  } else {
    s.Say(kB, L.cam_perf_open);
    s.Say(kA, L.cam_reply);
  }
  if (s.rng.Chance(0.6)) s.Say(kA, L.cam_age_probe);
  s.Say(kB, L.adult_age_stmt);
  s.Some(1, 2, kB, L.cam_price);
  s.Some(1, 2, kA, L.cam_cust_pay);
  s.Maybe(0.6, kB, L.cam_after);
}

// Family remittance: school fees, allowance, control numbers.
void Remittance(Script& s) {
  const auto& L = s.lib;
  const double r = s.rng.Unit();
  s.lang = r < 0.4 ? kEn : (r < 0.8 ? kTl : kCeb);
  s.SetChildAge(5, 12);
  s.Say(kA, L.remit_open);
  s.Say(kB, L.greet_reply);
  s.Some(1, 3, kA, L.remit_send);
  s.Some(1, 2, kB, L.remit_reply);
  s.Maybe(0.4, kA, L.remit_send);
  s.Maybe(0.3, kB, L.bye);
}

// Online English tutoring of a child: with a parent, or with the child student.
void Tutoring(Script& s) {
  const auto& L = s.lib;
  s.lang = kEn;
  s.SetChildAge(5, 12);
  if (s.rng.Chance(0.7)) {
    s.Say(kA, L.tutor_open_parent);
    s.Say(kB, L.tutor_reply_open);
    s.Some(1, 2, kA, L.parent_child_info);
    s.Some(1, 3, kB, L.tutor_terms);
    s.Some(1, 2, kA, L.parent_pay);
    s.Maybe(0.4, kB, L.tutor_terms);
  } else {
    s.Say(kA, L.tutor_student);
    s.Say(kB, L.student_lines);
    s.Some(1, 3, kA, L.tutor_student);
    s.Some(1, 2, kB, L.student_lines);
    s.Maybe(0.5, kA, L.tutor_terms);
  }
}

// A teacher, nurse or parent about sex education, puberty, medicine and tuition.
void SexEducation(Script& s) {
  const auto& L = s.lib;
  s.lang = s.rng.Chance(0.75) ? kEn : kTl;
  s.SetChildAge(10, 12);
  s.Say(kA, L.sexed_open);
  s.Say(kB, L.greet_reply);
  s.Some(1, 3, kA, s.lang == kTl && s.rng.Chance(0.6) ? L.sexed_tl : L.sexed_lines);
  s.Some(1, 2, kB, s.lang == kTl ? L.sexed_tl : L.sexed_parent);
  s.Maybe(0.5, kA, L.sexed_lines);
}

// Two adults flirting: sexual keywords, no minor, no payment.
void AdultDating(Script& s) {
  const auto& L = s.lib;
  s.lang = s.rng.Chance(0.8) ? kEn : kTl;
  s.Say(kA, L.date_open);
  s.Say(kB, L.date_reply);
  s.Maybe(0.5, kA, L.date_age);
  s.Maybe(0.5, kB, L.date_age);
  s.Some(1, 3, kA, s.lang == kTl && s.rng.Chance(0.5) ? L.date_tl : L.date_flirt);
  s.Some(1, 2, kB, L.date_reply);
  s.Maybe(0.5, kB, L.date_flirt);
}

// Benign chat with everyday keywords.
void SmallTalk(Script& s) {
  const auto& L = s.lib;
  const double r = s.rng.Unit();
  s.lang = r < 0.5 ? kEn : (r < 0.8 ? kTl : kCeb);
  s.Say(kA, L.greet);
  s.Say(kB, L.greet_reply);
  s.Some(1, 3, kA, L.talk);
  s.Some(0, 2, kB, L.talk);
  s.Maybe(0.4, kB, L.bye);
}

struct Family {
  std::string_view name;
  bool positive;
  double weight;  // relative, among families of the same polarity
  void (*script)(Script&);
};

constexpr Family kFamilies[] = {
    {"paid_show_minor", true, 0.35, PaidShowMinor},
    {"facilitator", true, 0.15, Facilitator},
    {"grooming_no_payment", true, 0.15, GroomingNoPayment},
    {"taglish", true, 0.20, Taglish},
    {"cebuano", true, 0.15, Cebuano},
    {"adult_cam", false, 0.15, AdultCam},
    {"remittance", false, 0.20, Remittance},
    {"tutoring", false, 0.15, Tutoring},
    {"sex_education", false, 0.10, SexEducation},
    {"adult_dating", false, 0.15, AdultDating},
    {"small_talk", false, 0.25, SmallTalk},
};

// ---- Generation -----------------------------------------------------------------------------

constexpr int kMaxAuthors = 5;
constexpr int kMaxMessages = 25;

struct GenMessage {
  uint8_t author;
  uint32_t begin, end;  // in Conversation::arena
};

struct Conversation {
  char id[24];
  uint8_t id_len = 0;
  char authors[kMaxAuthors][12];
  uint8_t author_len[kMaxAuthors] = {};
  std::string arena;
  std::vector<GenMessage> messages;
  size_t next = 0;  // the next message to emit
};

void AppendUint(uint64_t v, std::string* out) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof(buf), v);
  out->append(buf, r.ptr);
}

class ChatGenerator {
 public:
  ChatGenerator(const SimulateChatsOptions& options, const Library& lib, std::vector<Obf> enabled)
      : options_(options),
        lib_(lib),
        rng_(options.seed),
        obfuscator_(rng_),
        enabled_(std::move(enabled)),
        script_(rng_, lib) {
    for (const Family& f : kFamilies)
      (f.positive ? positive_weight_ : negative_weight_) += f.weight;
    script_.beats.reserve(64);
    sequence_.reserve(64);
  }

  void Generate(uint64_t number, Conversation* conv, ChatTruth* truth) {
    const bool positive = rng_.Chance(options_.positive_share);
    const Family& family = PickFamily(positive);
    Obf obf = kNoObf;
    if (!enabled_.empty() && rng_.Chance(options_.obfuscation_rate)) {
      obf = enabled_[rng_.Below(enabled_.size())];
    }
    SetUpObfuscation(obf);

    conv->id_len = static_cast<uint8_t>(FormatId(number, conv->id));
    participants_ = rng_.Chance(0.08) ? rng_.Range(3, kMaxAuthors) : 2;
    for (int i = 0; i < participants_; ++i) {
      names_[i] = &lib_.name.items[rng_.Below(lib_.name.items.size())];
      MakeAuthorId(conv, i);
    }

    // An obfuscated conversation must show its obfuscation somewhere; the rare draw whose
    // keywords all resist it (e.g. leet on "wu") is drawn again.
    for (int attempt = 0;; ++attempt) {
      BuildConversation(family, conv);
      if (obf == kNoObf || attempt == 16) break;
      if (obf == kMixed ? std::popcount(used_kinds_) >= 2 : used_kinds_ != 0) break;
    }

    truth->conversation.assign(conv->id, conv->id_len);
    truth->positive = positive;
    truth->family.assign(family.name);
    truth->obfuscation.assign(kObfNames[obf]);
    truth->language.assign(kLangNames[script_.lang]);
  }

 private:
  const Family& PickFamily(bool positive) {
    double x = rng_.Unit() * (positive ? positive_weight_ : negative_weight_);
    const Family* last = nullptr;
    for (const Family& f : kFamilies) {
      if (f.positive != positive) continue;
      last = &f;
      if (x < f.weight) return f;
      x -= f.weight;
    }
    return *last;
  }

  static int FormatId(uint64_t number, char* out) {
    char digits[24];
    const auto r = std::to_chars(digits, digits + sizeof(digits), number);
    const int len = static_cast<int>(r.ptr - digits);
    int pos = 0;
    out[pos++] = 'c';
    for (int i = len; i < 6; ++i) out[pos++] = '0';
    std::memcpy(out + pos, digits, len);
    return pos + len;
  }

  void MakeAuthorId(Conversation* conv, int i) {
    for (;;) {
      char* id = conv->authors[i];
      id[0] = 'u';
      const auto r = std::to_chars(id + 1, id + 11, 1000000 + rng_.Below(9000000));
      conv->author_len[i] = static_cast<uint8_t>(r.ptr - id);
      bool clash = false;
      for (int j = 0; j < i; ++j) {
        clash |= std::string_view(conv->authors[j], conv->author_len[j]) ==
                 std::string_view(id, conv->author_len[i]);
      }
      if (!clash) return;
    }
  }

  void SetUpObfuscation(Obf obf) {
    obf_ = obf;
    mixed_count_ = 0;
    if (obf == kMixed) {
      // Two or three distinct base kinds.
      constexpr int kBases = static_cast<int>(std::size(kBaseKinds));
      Obf pool[kBases];
      std::copy(std::begin(kBaseKinds), std::end(kBaseKinds), pool);
      mixed_count_ = rng_.Range(2, 3);
      for (int i = 0; i < mixed_count_; ++i) {
        std::swap(pool[i], pool[i + rng_.Below(kBases - i)]);
        mixed_[i] = pool[i];
      }
    }
    // Not every keyword of an obfuscated conversation is obfuscated.
    keyword_rate_ = 0.5 + 0.4 * rng_.Unit();
  }

  void BuildConversation(const Family& family, Conversation* conv) {
    script_.beats.clear();
    script_.lang = kEn;
    family.script(script_);
    used_kinds_ = 0;
    obfuscated_ = 0;

    // Pad the scripted beats with small talk up to a length between their count and 25,
    // skewed towards short conversations.
    const int core = static_cast<int>(std::min<size_t>(script_.beats.size(), kMaxMessages));
    const double u = rng_.Unit();
    const int target = core + static_cast<int>((kMaxMessages - core + 1) * u * u);
    sequence_.assign(script_.beats.begin(), script_.beats.begin() + core);
    const List& filler = script_.T(lib_.filler);
    for (int i = core; i < std::min(target, kMaxMessages); ++i) {
      const int role = participants_ > 2 && rng_.Chance(0.5) ? rng_.Range(2, participants_ - 1)
                                                             : rng_.Range(0, 1);
      const List& list = rng_.Chance(0.8) ? filler : lib_.filler.en;
      // After the opening exchange, anywhere.
      const size_t first = std::min<size_t>(2, sequence_.size());
      const size_t at = first + rng_.Below(sequence_.size() - first + 1);
      sequence_.insert(sequence_.begin() + at, Beat{static_cast<uint8_t>(role), &list});
    }

    conv->arena.clear();
    conv->messages.clear();
    conv->next = 0;
    for (const Beat& beat : sequence_) {
      const uint32_t begin = static_cast<uint32_t>(conv->arena.size());
      speaker_ = beat.role;
      ExpandList(*beat.list, &conv->arena);
      conv->messages.push_back({beat.role, begin, static_cast<uint32_t>(conv->arena.size())});
    }
  }

  void ExpandList(const List& list, std::string* out) {
    Expand(list.items[rng_.Below(list.items.size())], out);
  }

  void Expand(const Template& t, std::string* out) {
    for (const Piece& p : t.pieces) {
      switch (p.kind) {
        case Piece::kText:
          out->append(p.text);
          break;
        case Piece::kKeyword:
          Keyword(p.text, out);
          break;
        case Piece::kList:
          ExpandList(*p.list, out);
          break;
        case Piece::kVar:
          ExpandVar(p.var, out);
          break;
      }
    }
  }

  void ExpandVar(Var var, std::string* out) {
    static constexpr int kUsd[] = {10, 15, 20, 25, 30, 40, 50, 60, 70, 80, 100, 120, 150, 200, 300};
    static constexpr int kMinutes[] = {5, 10, 15, 20, 30};
    switch (var) {
      case Var::kAge:
        AppendUint(script_.age, out);
        break;
      case Var::kGrade:
        AppendUint(script_.grade, out);
        break;
      case Var::kAdult:
        AppendUint(rng_.Range(19, 35), out);
        break;
      case Var::kOld:
        AppendUint(rng_.Range(28, 64), out);
        break;
      case Var::kUsd:
        AppendUint(kUsd[rng_.Below(std::size(kUsd))], out);
        break;
      case Var::kPhp:
        AppendUint(300 + 100 * rng_.Below(48), out);
        break;
      case Var::kK:
        AppendUint(rng_.Range(1, 5), out);
        break;
      case Var::kCtrl:
        AppendUint(1000000000 + rng_.Below(9000000000ULL), out);
        break;
      case Var::kMin:
        AppendUint(kMinutes[rng_.Below(std::size(kMinutes))], out);
        break;
      case Var::kHour:
        AppendUint(rng_.Range(1, 11), out);
        break;
      case Var::kPeer: {
        const int peer = speaker_ == 0 ? 1 : 0;
        Expand(*names_[peer], out);
        break;
      }
    }
  }

  void Keyword(std::string_view keyword, std::string* out) {
    if (obf_ == kNoObf || (obfuscated_ > 0 && !rng_.Chance(keyword_rate_))) {
      out->append(keyword);
      return;
    }
    if (obf_ != kMixed) {
      if (obfuscator_.Apply(obf_, keyword, out)) Used(obf_);
      return;
    }
    // Mixed: the first keywords cycle through the chosen kinds so that at least two show;
    // later ones draw a kind, now and then stacked with a case change.
    Obf kind = mixed_[obfuscated_ < mixed_count_ ? obfuscated_ : rng_.Below(mixed_count_)];
    if (obfuscated_ >= mixed_count_ && kind != kSpacing && kind != kCase && rng_.Chance(0.25)) {
      scratch_.clear();
      if (obfuscator_.Apply(kCase, keyword, &scratch_)) Used(kCase);
      if (obfuscator_.Apply(kind, scratch_, out)) Used(kind);
      return;
    }
    if (obfuscator_.Apply(kind, keyword, out)) Used(kind);
  }

  void Used(Obf kind) {
    used_kinds_ |= 1u << kind;
    ++obfuscated_;
  }

  const SimulateChatsOptions& options_;
  const Library& lib_;
  Rng rng_;
  Obfuscator obfuscator_;
  std::vector<Obf> enabled_;  // kinds an obfuscated conversation draws from
  Script script_;
  std::vector<Beat> sequence_;
  double positive_weight_ = 0, negative_weight_ = 0;

  // Per conversation.
  int participants_ = 2;
  const Template* names_[kMaxAuthors] = {};
  int speaker_ = 0;
  Obf obf_ = kNoObf;
  Obf mixed_[3] = {kNoObf, kNoObf, kNoObf};
  int mixed_count_ = 0;
  double keyword_rate_ = 1.0;
  uint32_t used_kinds_ = 0;
  int obfuscated_ = 0;
  std::string scratch_;
};

// Writes chat JSONL lines, advancing a clock a few seconds per line.
class LineWriter {
 public:
  LineWriter(int64_t start_ms, const std::function<void(std::string_view)>& on_line)
      : clock_ms_(start_ms), on_line_(on_line) {
    line_.reserve(1024);
  }

  void Write(const Conversation& c, const GenMessage& m, Rng& rng) {
    line_.clear();
    line_.append("{\"conversation\":\"");
    line_.append(c.id, c.id_len);
    line_.append("\",\"time\":\"");
    AppendTime(clock_ms_);
    line_.append("\",\"author\":\"");
    line_.append(c.authors[m.author], c.author_len[m.author]);
    line_.append("\",\"text\":\"");
    AppendEscaped(std::string_view(c.arena).substr(m.begin, m.end - m.begin));
    line_.append("\"}");
    on_line_(line_);
    clock_ms_ += 1000 * rng.Range(2, 45);
  }

 private:
  void AppendEscaped(std::string_view s) {
    static constexpr char kHex[] = "0123456789abcdef";
    for (char ch : s) {
      const unsigned char c = static_cast<unsigned char>(ch);
      if (c == '"' || c == '\\') {
        line_.push_back('\\');
        line_.push_back(ch);
      } else if (c < 0x20) {
        line_.append("\\u00");
        line_.push_back(kHex[c >> 4]);
        line_.push_back(kHex[c & 15]);
      } else {
        line_.push_back(ch);
      }
    }
  }

  // RFC 3339 UTC, milliseconds only when non-zero (as core's FormatRfc3339).
  void AppendTime(int64_t ms) {
    int64_t days = ms / 86400000;
    int64_t rem = ms % 86400000;
    if (rem < 0) {
      rem += 86400000;
      --days;
    }
    if (days != cached_day_) {
      cached_day_ = days;
      int64_t y;
      unsigned m, d;
      CivilFromDays(days, &y, &m, &d);
      char buf[80];
      std::snprintf(buf, sizeof(buf), "%04lld-%02lld-%02lldT", static_cast<long long>(y),
                    static_cast<long long>(m), static_cast<long long>(d));
      day_text_ = buf;
    }
    line_.append(day_text_);
    const int64_t sec = rem / 1000;
    const int64_t milli = rem % 1000;
    char buf[16];
    const int h = static_cast<int>(sec / 3600), mi = static_cast<int>(sec / 60 % 60),
              s = static_cast<int>(sec % 60);
    buf[0] = static_cast<char>('0' + h / 10);
    buf[1] = static_cast<char>('0' + h % 10);
    buf[2] = ':';
    buf[3] = static_cast<char>('0' + mi / 10);
    buf[4] = static_cast<char>('0' + mi % 10);
    buf[5] = ':';
    buf[6] = static_cast<char>('0' + s / 10);
    buf[7] = static_cast<char>('0' + s % 10);
    int len = 8;
    if (milli != 0) {
      buf[8] = '.';
      buf[9] = static_cast<char>('0' + milli / 100);
      buf[10] = static_cast<char>('0' + milli / 10 % 10);
      buf[11] = static_cast<char>('0' + milli % 10);
      len = 12;
    }
    buf[len++] = 'Z';
    line_.append(buf, len);
  }

  int64_t clock_ms_;
  const std::function<void(std::string_view)>& on_line_;
  std::string line_;
  int64_t cached_day_ = INT64_MIN;
  std::string day_text_;
};

}  // namespace

const std::vector<std::string>& ObfuscationKinds() {
  static const std::vector<std::string> kinds(std::begin(kObfNames), std::end(kObfNames));
  return kinds;
}

const std::vector<std::string>& PositiveFamilies() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const Family& f : kFamilies) {
      if (f.positive) v.emplace_back(f.name);
    }
    return v;
  }();
  return names;
}

const std::vector<std::string>& NegativeFamilies() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const Family& f : kFamilies) {
      if (!f.positive) v.emplace_back(f.name);
    }
    return v;
  }();
  return names;
}

Status SimulateChats(const SimulateChatsOptions& options,
                     const std::function<void(std::string_view line)>& on_line,
                     const std::function<void(const ChatTruth&)>& on_truth) {
  if (!(options.positive_share >= 0 && options.positive_share <= 1)) {
    return Fail(ErrorCode::kInvalidArgument, "positive share must be between 0 and 1",
                "--positive-share");
  }
  if (!(options.obfuscation_rate >= 0 && options.obfuscation_rate <= 1)) {
    return Fail(ErrorCode::kInvalidArgument, "obfuscation rate must be between 0 and 1",
                "--obfuscation-rate");
  }
  // The kinds an obfuscated conversation draws from: the enabled ones other than "none".
  bool enabled[kObfCount] = {};
  if (options.obfuscations.empty()) {
    std::fill(std::begin(enabled), std::end(enabled), true);
  }
  for (const std::string& name : options.obfuscations) {
    const auto* it = std::find(std::begin(kObfNames), std::end(kObfNames), name);
    if (it == std::end(kObfNames)) {
      std::string known;
      for (std::string_view k : kObfNames) {
        known += known.empty() ? "" : ", ";
        known += k;
      }
      return Fail(ErrorCode::kInvalidArgument,
                  "unknown obfuscation kind \"" + name + "\" (known: " + known + ")",
                  "--obfuscations");
    }
    enabled[it - std::begin(kObfNames)] = true;
  }
  std::vector<Obf> kinds;
  for (int k = kLeet; k < kObfCount; ++k) {
    if (enabled[k]) kinds.push_back(static_cast<Obf>(k));
  }
  const Library& lib = GetLibrary();
  if (!lib.error.empty()) return Fail(ErrorCode::kInternal, lib.error);

  ChatGenerator gen(options, lib, std::move(kinds));
  LineWriter writer(options.start_ms, on_line);
  // The clock and the interleaving draw from their own stream, so that a conversation's
  // content does not depend on --interleave.
  Rng order_rng(options.seed ^ 0x9e3779b97f4a7c15ULL);
  ChatTruth truth;
  if (!options.interleave) {
    Conversation conv;
    for (uint64_t i = 1; i <= options.n; ++i) {
      gen.Generate(i, &conv, &truth);
      on_truth(truth);
      for (const GenMessage& m : conv.messages) writer.Write(conv, m, order_rng);
    }
    return {};
  }
  // Up to 8 conversations in progress; each line comes from one of them at random, so every
  // conversation keeps its own message order.
  constexpr size_t kConcurrent = 8;
  std::vector<Conversation> pool(kConcurrent);
  std::vector<size_t> active, idle;
  for (size_t i = kConcurrent; i > 0; --i) idle.push_back(i - 1);
  uint64_t next = 1;
  for (;;) {
    while (!idle.empty() && next <= options.n) {
      const size_t slot = idle.back();
      idle.pop_back();
      gen.Generate(next++, &pool[slot], &truth);
      on_truth(truth);
      active.push_back(slot);
    }
    if (active.empty()) break;
    const size_t pick = order_rng.Below(active.size());
    Conversation& c = pool[active[pick]];
    writer.Write(c, c.messages[c.next], order_rng);
    if (++c.next == c.messages.size()) {
      idle.push_back(active[pick]);
      active[pick] = active.back();
      active.pop_back();
    }
  }
  return {};
}

}  // namespace bantay::cli
