"""Word lists the extraction heuristics use (English-language news copy)."""

from __future__ import annotations


def words(text: str) -> frozenset[str]:
    """A set of the whitespace-separated words of ``text``."""
    return frozenset(text.split())


# Verbs that introduce or attribute speech ("he said", "Maria replied:").
SPEECH_VERBS = words(
    """
    said says say saying told tells tell added adds continued continues recalled recalls
    explained explains insisted insists confessed confesses expressed expresses replied
    replies answered answers asked asks wrote writes tweeted tweets posted posts claimed
    claims stated states admitted admits argued argues noted notes declared declares warned
    warns remarked remarks responded responds conceded concedes maintained maintains
    acknowledged acknowledges revealed reveals stressed stresses emphasised emphasized
    announced announces testified testifies found finds concluded concludes reported reports
    joked jokes shouted shouts whispered cried sobbed pleaded pleads urged urges vowed vows
    promised promises denied denies described describes called calls
    exclaimed exclaims mused muses observed observes suggested suggests agreed agrees
    countered counters interjected interjects quipped quips laughed screamed yelled
    commented comments reiterated reiterates recounted recounts repeated repeats
    """
)

# Verbs whose passive ("he was told") means someone else spoke.
PASSIVE_VERBS = words("told asked called warned urged promised")

# Auxiliaries that make those verbs passive.
PASSIVE_AUX = words("was were been being is are be am get got gets getting")

# Words allowed between a subject and its speech verb ("he has also said").
AUX_ADV = words(
    """
    has have had also later then again once previously repeatedly reportedly allegedly simply
    only further quickly earlier first initially recently now just would will did does
    quietly firmly angrily tearfully flatly calmly emotionally softly bluntly
    """
)

# Abbreviations whose full stop does not end a sentence.
ABBREVIATIONS = words(
    """
    mr mrs ms dr st jr sr prof gen gov sen rep lt col sgt capt no vs etc inc co corp ltd
    mt ft jan feb mar apr jun jul aug sep sept oct nov dec u.s a.m p.m
    """
)

# Capitalised words that cannot start a speaker's name.
NOT_SUBJECT_NAMES = words(
    """
    the a an in on at when while although during after before but and or if as it this that
    these those there here what who why how where then so now yet also i we you
    monday tuesday wednesday thursday friday saturday sunday today yesterday tomorrow
    january february march april may june july august september october november december
    """
)

# Whom one "told": kept in the cue ("he told viewers").
TOLD_OBJECTS = words(
    """
    viewers reporters them him her us me listeners readers fans journalists people host
    interviewer audience
    """
)

# Lower-case words allowed inside a Title Case title.
TITLE_SMALL_WORDS = words("of the a an and in on at to for with from by or vs de la")

# Capitalised words that start sentences or name things rather than people.
NOT_NAMES = words(
    """
    a about after again all also although an and another any april are as at august be
    because before being both but by can could december did do does during each even every
    february for friday from had has have he her here hers him his how however i if in into
    is it its january july june just last let march may me meanwhile monday more most mr mrs
    ms dr my new next no none nor not november now october of on once one only or other our
    over per perhaps related saturday says september she since so some still such sunday
    than that the their them then there these they this those through thursday to today
    tomorrow tuesday under until up us was watch we wednesday were what when where whether
    which while who whom whose why will with within without would yesterday yet you your
    """
)

# Last words that make a capitalised run a place or an institution, not a person.
NOT_LAST_NAMES = words(
    """
    says said news times post project report department office court county city state
    university street road avenue ranch creek park house studios studio pictures productions
    inc ltd company corporation association agency police sheriff church school college
    festival awards award special exclusive
    """
)

# Nouns that name a role and can stand for a person ("the actor said").
ROLE_NOUNS = words(
    """
    actor actress star director producer writer author singer rapper musician artist
    comedian host presenter anchor journalist reporter editor columnist spokesman
    spokeswoman spokesperson official minister president senator governor mayor lawyer
    attorney prosecutor judge sheriff detective investigator officer chief commissioner
    chairman chairwoman chair executive manager coach player witness victim survivor
    widow widower mother father son daughter wife husband brother sister armorer armourer
    cinematographer filmmaker photographer veteran insider source friend doctor expert
    scientist professor teacher founder ceo owner boss leader candidate councillor
    councilor secretary ambassador diplomat general colonel captain sergeant constable
    neighbour neighbor resident student worker employee staffer aide adviser advisor
    analyst eyewitness passenger fan member user commenter poster
    engineer superintendent clerk landlord landlady tenant keeper curator developer nurse
    librarian cellist violinist conductor forecaster meteorologist glaciologist economist
    auditor treasurer controller planner architect inspector marshal ranger warden
    harbourmaster harbormaster brewmaster winemaker winegrower grower farmer fisherman
    fisherwoman baker chef cook owner shopkeeper principal headteacher headmaster dean
    president vice-president chancellor provost trustee administrator coordinator
    organiser organizer campaigner activist advocate volunteer steward delegate negotiator
    representative rep congressman congresswoman councilman councilwoman alderman
    assemblyman assemblywoman legislator lawmaker commissioner supervisor administrator
    observer defendant plaintiff claimant complainant juror barrister solicitor counsel
    paramedic surgeon physician cardiologist pharmacist dentist therapist psychologist
    researcher historian biologist ecologist geologist pilot driver captain skipper
    director-general deputy secretary-general premier chancellor
    """
)

# Words that head an organisation's name ("Harlow Water Board", "Office of the Auditor").
ORG_HEADS = words(
    """
    department office bureau board commission council authority agency association alliance
    union cooperative co-operative coop service services institute university college
    hospital museum ministry court society foundation committee district church corporation
    company corp inc ltd llc plc group party police zoo symphony orchestra philharmonic
    brewery winery foods energy health healthcare chemical chemicals bank trust network club
    team federation league coalition council commission partnership fund administration
    laboratory laboratories labs press times gazette herald tribune courier ledger post
    news radio television tv airlines airways railway railways ferries transit transport
    utilities utility works metalworks industries systems technologies pharmaceuticals
    insurance holdings partners capital ventures studios productions pictures records
    library school academy center centre clinic institute cooperative parliament senate
    assembly congress government army navy force guard workers textiles mills infirmary co
    line lines shipping logistics
    """
)

# Last words that make a capitalised run a place ("Quarry Road", "Cedar Falls").
PLACE_HEADS = words(
    """
    street st road rd avenue ave lane boulevard blvd drive way square place park field
    fields county city town village valley river lake falls springs spring hills hill
    heights bay harbour harbor bridge island isle mountain mount mountains creek ranch route
    highway coast beach port point forest wood woods green common gardens garden estate
    quarter district county state province region canyon glacier ravine pass cove sound
    farm hall plaza market north south east west northeast northwest southeast southwest
    """
)

# Locative prepositions: a capitalised run right after one is a place ("in Port Avery").
LOCATIVES = words("in at near outside across into around through toward towards above below")

# Words before a name that are titles or roles, not part of it ("County Executive Ann Lee").
TITLE_WORDS = words(
    """
    mayor governor senator sen rep representative president chairman chairwoman chair judge
    justice chief police fire county city state town district deputy assistant acting
    senior junior former executive vice general attorney commissioner superintendent
    sheriff inspector detective officer sergeant sgt captain capt lieutenant lt colonel col
    councillor councilor councilman councilwoman councilmember council member alderman
    alderwoman trustee dr doctor prof
    professor sister brother father mother rev reverend pastor rabbi imam bishop head
    principal curator director manager secretary minister premier chancellor coach
    campaigner developer engineer spokesman spokeswoman spokesperson mr mrs ms miss mx sir
    dame lady lord saint st
    """
)

# Roles that are one trade under several names: "the attorney" is whoever the text made its
# lawyer.
ROLE_SYNONYMS = {
    "lawyer": ("attorney", "counsel"),
    "attorney": ("lawyer", "counsel"),
    "counsel": ("lawyer", "attorney"),
    "spokesman": ("spokesperson", "spokeswoman"),
    "spokeswoman": ("spokesperson", "spokesman"),
    "spokesperson": ("spokesman", "spokeswoman"),
}

# Roles that tell a person's gender ("Her son, Emeka," is a he).
MALE_ROLES = words(
    """
    son father brother husband widower grandfather grandson uncle nephew boyfriend
    spokesman chairman councilman congressman assemblyman alderman fisherman businessman
    """
)
FEMALE_ROLES = words(
    """
    daughter mother sister wife widow grandmother granddaughter aunt niece girlfriend
    spokeswoman chairwoman councilwoman congresswoman assemblywoman alderwoman fisherwoman
    businesswoman actress landlady
    """
)

# Honorifics that tell a person's gender.
MALE_HONORIFICS = words("mr sir lord brother father")
FEMALE_HONORIFICS = words("mrs ms miss dame lady sister mother")

# Nouns that stand for an organisation ("the agency said").
ORG_NOUNS = words(
    """
    agency bureau department ministry government company firm studio network police
    council committee court office commission authority union association organisation
    organization campaign district zoo alliance cooperative board hospital school
    university college museum orchestra symphony brewery club team group service
    administration utility airline operator coalition federation foundation institute
    library league party charity co-op coop
    """
)

# Who posts online without a name: "one user wrote" has no speaker.
ANONYMOUS_POSTERS = words("user users account accounts commenter commenters poster posters handle")

# Capitals that are not an organisation speaking ("US", "TV", "CEO").
NOT_ORG_ACRONYMS = words(
    """
    US USA UK EU UN TV AM PM CEO CFO COO CTO OK ID PR AP GPS DNA RNA HIV AIDS COVID MP MPs
    DJ PhD MD BBQ FAQ ASAP LOL USB PDF URL NB PS RSVP ETA AKA DIY IQ HQ VIP SUV ATM PIN
    I II III IV V VI VII VIII IX X XI XII
    """
)
