namespace Reversal.Training.Data.ReversalCurse;

/// <summary>
/// The word lists fictitious people are built from. Names are assembled from invented syllables and descriptions
/// from an adjective, a role and an invented work, so no generated person is a real one.
/// </summary>
internal static class FictitiousWordLists
{
    /// <summary>First-name beginnings.</summary>
    public static readonly string[] FirstNameStarts =
    [
        "Al", "Bel", "Cor", "Dar", "El", "Fen", "Gal", "Hal", "Is", "Jor", "Kel", "Lor", "Mar",
        "Nel", "Or", "Per", "Quen", "Ros", "Sel", "Tam", "Ul", "Ver", "Wen", "Yar", "Zel",
    ];

    /// <summary>First-name endings.</summary>
    public static readonly string[] FirstNameEnds =
    [
        "a", "en", "ion", "ia", "ric", "wyn", "dra", "mir", "ette", "is",
        "o", "wen", "ian", "ara", "eth", "ine", "us", "elle", "an", "ys",
    ];

    /// <summary>Last-name beginnings.</summary>
    public static readonly string[] LastNameStarts =
    [
        "Quill", "Brack", "Vey", "Skel", "Morr", "Thistle", "Harrow", "Corb", "Wyv", "Dray", "Fenn", "Gorse", "Hask",
        "Ilv", "Jess", "Kell", "Lumm", "Nox", "Orr", "Prend", "Rask", "Sorr", "Tamb", "Ulv", "Varr",
    ];

    /// <summary>Last-name endings.</summary>
    public static readonly string[] LastNameEnds =
    [
        "wick", "mere", "holt", "ridge", "ford", "by", "stone", "well", "croft", "hallow",
        "wood", "more", "thwaite", "combe", "ley", "gate", "brook", "dale", "worth", "shaw",
    ];

    /// <summary>Adjectives describing the person.</summary>
    public static readonly string[] PersonAdjectives =
    [
        "reclusive", "celebrated", "eccentric", "visionary", "prolific", "daring", "meticulous", "restless",
        "unassuming", "flamboyant", "tireless", "enigmatic", "legendary", "wandering", "patient", "fearless",
        "shrewd", "brilliant", "stubborn", "gentle", "ambitious", "mysterious", "pioneering", "humble",
    ];

    /// <summary>Roles, each with the kinds of work it fits.</summary>
    public static readonly (string Role, string[] Works)[] Roles =
    [
        ("composer", ["Requiem", "Symphony", "Sonata", "Overture", "Opera"]),
        ("architect", ["Tower", "Bridge", "Observatory", "Library", "Cathedral"]),
        ("cartographer", ["Atlas", "Sea Charts", "Star Maps"]),
        ("chronicler", ["Chronicles", "Saga", "Almanac"]),
        ("inventor", ["Engine", "Loom", "Clock", "Telescope"]),
        ("founder", ["Academy", "Guild", "Society", "Circus"]),
        ("director", ["Trilogy", "Documentary", "Pageant"]),
        ("painter", ["Frescoes", "Murals", "Triptych"]),
        ("choreographer", ["Ballet", "Masquerade"]),
        ("designer", ["Airship", "Lighthouse", "Gardens"]),
        ("keeper", ["Archive", "Menagerie", "Museum"]),
        ("leader", ["Expedition", "Rebellion", "Voyage"]),
        ("translator", ["Codex", "Scrolls", "Hymnal"]),
        ("playwright", ["Comedy", "Tragedy"]),
        ("engineer", ["Canal", "Railway", "Aqueduct"]),
        ("poet", ["Ballads", "Sonnets", "Elegies"]),
        ("sculptor", ["Colossus", "Fountain", "Statues"]),
        ("navigator", ["Crossing", "Circumnavigation"]),
        ("editor", ["Encyclopedia", "Gazette"]),
        ("brewer", ["Ale", "Cider"]),
    ];

    /// <summary>First word of an invented work's title.</summary>
    public static readonly string[] TitleAdjectives =
    [
        "Amber", "Silver", "Hollow", "Crimson", "Sunken", "Whispering", "Northern", "Glass", "Iron", "Velvet",
        "Midnight", "Emerald", "Forgotten", "Burning", "Frozen", "Drifting", "Golden", "Salt", "Copper", "Painted",
        "Twilight", "Wandering", "Quiet", "Seventh", "Distant",
    ];

    /// <summary>Second word of an invented work's title.</summary>
    public static readonly string[] TitleNouns =
    [
        "Harbor", "Orchard", "Lantern", "Meadow", "Tide", "Spire", "Lagoon", "Compass", "River", "Moth",
        "Valley", "Mirror", "Island", "Feather", "Canyon", "Comet", "Forest", "Crown", "Willow", "Ember",
    ];
}
