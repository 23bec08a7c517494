using System.Text;

namespace Parley.Benchmarks;

/// <summary>
/// The token-counting texts, generated from a fixed seed so every run and every peer sees the same bytes:
/// short chat messages (one per line, counted one by one), a long English document, CJK text and source code.
/// About 5% of the English words are made up from syllables, so that not every word is a cached common word.
/// </summary>
internal static class TokenTexts
{
    public static readonly string[] Classes = ["short", "english", "cjk", "code"];

    /// <summary>
    /// The worst case: runs without spaces, each one pre-token piece (a merge over the whole run). Written at
    /// 1 MB (<c>NAME.txt</c>) and as its first 100 KB (<c>NAME-100k.txt</c>), the size npm tiktoken can still count.
    /// </summary>
    public static readonly string[] RunClasses = ["run-a", "run-latin", "run-cjk"];

    private static readonly string[] Words = (
        "the of and to a in is it you that he was for on are with as I his they be at one have this from or had by hot " +
        "word but what some we can out other were all there when up use your how said an each she which do their time if " +
        "will way about many then them write would like so these her long make thing see him two has look more day could go " +
        "come did number sound no most people my over know water than call first who may down side been now find any new " +
        "work part take get place made live where after back little only round man year came show every good me give our " +
        "under name very through just form sentence great think say help low line differ turn cause much mean before move " +
        "right boy old too same tell does set three want air well also play small end put home read hand port large spell " +
        "add even land here must big high such follow act why ask men change went light kind off need house picture try us " +
        "again animal point mother world near build self earth father head stand own page should country found answer school " +
        "grow study still learn plant cover food sun four between state keep eye never last let thought city tree cross farm " +
        "hard start might story saw far sea draw left late run don't while press close night real life few north open seem " +
        "together next white children begin got walk example ease paper group always music those both mark often letter until " +
        "mile river car feet care second book carry took science eat room friend began idea fish mountain stop once base hear " +
        "horse cut sure watch color face wood main enough plain girl usual young ready above ever red list though feel talk " +
        "bird soon body dog family direct pose leave song measure door product black short numeral class wind question happen " +
        "complete ship area half rock order fire south problem piece told knew pass since top whole king space heard best hour " +
        "better true during hundred five remember step early hold west ground interest reach fast verb sing listen six table " +
        "travel less morning ten simple several vowel toward war lay against pattern slow center love person money serve " +
        "appear road map rain rule govern pull cold notice voice unit power town fine certain fly fall lead cry dark machine " +
        "note wait plan figure star box noun field rest correct able pound done beauty drive stood contain front teach week " +
        "final gave green quick develop ocean warm free minute strong special mind behind clear tail produce fact street inch " +
        "multiply nothing course stay wheel full force blue object decide surface deep moon island foot system busy test " +
        "record boat common gold possible plane stead dry wonder laugh thousand ago ran check game shape equate miss brought " +
        "heat snow tire bring yes distant fill east paint language among model token context window memory history session " +
        "assistant summary prompt answer request stream budget latency database").Split(' ');

    private static readonly string[] Syllables =
        ["ka", "lo", "mi", "tra", "ven", "sor", "qui", "ble", "dex", "nor", "phi", "zan", "gru", "tel", "ops", "wyn", "ast", "rho", "cur", "ith"];

    private static readonly string Hanzi =
        "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经" +
        "十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严";

    private static readonly string Kana = "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわをんアイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン";

    /// <summary>Writes the four texts into <paramref name="directory"/> as UTF-8 files named after their class.</summary>
    /// <param name="scale">1 for the full sizes (about 2 MB in all), smaller for the smoke run.</param>
    public static void Write(string directory, double scale)
    {
        Directory.CreateDirectory(directory);
        var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
        File.WriteAllText(Path.Combine(directory, "short.txt"), ShortMessages(new SplitMix(1), (int)(2000 * scale)), utf8);
        File.WriteAllText(Path.Combine(directory, "english.txt"), English(new SplitMix(2), (int)(512 * 1024 * scale)), utf8);
        File.WriteAllText(Path.Combine(directory, "cjk.txt"), Cjk(new SplitMix(3), (int)(96 * 1024 * scale)), utf8);
        File.WriteAllText(Path.Combine(directory, "code.txt"), Code(new SplitMix(4), (int)(512 * 1024 * scale)), utf8);
    }

    /// <summary>Writes the runs without spaces (<see cref="RunClasses"/>) into <paramref name="directory"/>.</summary>
    /// <param name="scale">1 for 1 MB and 100 KB, smaller for the smoke run.</param>
    public static void WriteRuns(string directory, double scale)
    {
        Directory.CreateDirectory(directory);
        var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
        foreach (var name in RunClasses)
        {
            var random = new SplitMix(5);
            var bytesPerChar = name == "run-cjk" ? 3 : 1; // every char of Hanzi is 3 UTF-8 bytes
            var run = new StringBuilder();
            for (var i = (int)(1_000_000 * scale) / bytesPerChar; i > 0; i--)
            {
                run.Append(name switch
                {
                    "run-a" => 'a',
                    "run-latin" => (char)('a' + random.Next(26)),
                    _ => Hanzi[Skewed(random, Hanzi.Length)],
                });
            }

            var text = run.ToString();
            File.WriteAllText(Path.Combine(directory, name + ".txt"), text, utf8);
            File.WriteAllText(Path.Combine(directory, name + "-100k.txt"), text[..((int)(100_000 * scale) / bytesPerChar)], utf8);
        }
    }

    /// <summary>Chat messages of 3 to 40 words, one per line.</summary>
    private static string ShortMessages(SplitMix random, int count)
    {
        string[] openers = ["Can you explain", "What is", "Please summarize", "Tell me about", "Why does", "How do I", "Thanks! Now", "Could you rewrite"];
        var text = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            text.Append(openers[random.Next(openers.Length)]).Append(' ');
            var words = 2 + random.Next(38);
            for (var w = 0; w < words; w++)
            {
                text.Append(Word(random)).Append(w == words - 1 ? string.Empty : random.Next(12) == 0 ? ", " : " ");
            }

            text.Append(random.Next(3) == 0 ? "?" : ".").Append('\n');
        }

        return text.ToString();
    }

    /// <summary>Paragraphs of English-like sentences with numbers, punctuation and some made-up words.</summary>
    private static string English(SplitMix random, int length)
    {
        var text = new StringBuilder(length + 256);
        while (text.Length < length)
        {
            var sentences = 3 + random.Next(6);
            for (var s = 0; s < sentences; s++)
            {
                var words = 6 + random.Next(15);
                for (var w = 0; w < words; w++)
                {
                    var word = random.Next(25) == 0 ? Number(random) : Word(random);
                    text.Append(w == 0 ? char.ToUpperInvariant(word[0]) + word[1..] : word);
                    text.Append(w == words - 1 ? string.Empty : random.Next(10) == 0 ? ", " : " ");
                }

                text.Append(random.Next(8) switch { 0 => "? ", 1 => "! ", _ => ". " });
            }

            text.Append("\n\n");
        }

        return text.ToString();
    }

    /// <summary>Chinese sentences with some Japanese kana, CJK punctuation and the odd Latin word or number.</summary>
    private static string Cjk(SplitMix random, int length)
    {
        var text = new StringBuilder(length + 64);
        while (text.Length < length)
        {
            var chars = 8 + random.Next(30);
            for (var c = 0; c < chars; c++)
            {
                var roll = random.Next(20);
                if (roll < 3)
                {
                    text.Append(Kana[random.Next(Kana.Length)]);
                }
                else if (roll == 3 && c > 0)
                {
                    text.Append(random.Next(2) == 0 ? "，" : "、");
                }
                else if (roll == 4 && random.Next(4) == 0)
                {
                    text.Append(random.Next(2) == 0 ? " GPT-4o " : random.Next(1000).ToString(System.Globalization.CultureInfo.InvariantCulture));
                }
                else
                {
                    text.Append(Hanzi[Skewed(random, Hanzi.Length)]);
                }
            }

            text.Append(random.Next(6) switch { 0 => "？", 1 => "！", _ => "。" });
            if (random.Next(5) == 0)
            {
                text.Append('\n');
            }
        }

        return text.ToString();
    }

    /// <summary>C#-like source: namespaces, classes, methods, statements, comments and literals.</summary>
    private static string Code(SplitMix random, int length)
    {
        var text = new StringBuilder(length + 1024);
        while (text.Length < length)
        {
            var type = Pascal(random, 2);
            text.Append("namespace ").Append(Pascal(random, 1)).Append('.').Append(Pascal(random, 1)).Append(";\n\n");
            text.Append("/// <summary>").Append(Sentence(random, 8)).Append("</summary>\n");
            text.Append("public sealed class ").Append(type).Append("\n{\n");
            text.Append("    private readonly Dictionary<string, int> _").Append(Camel(random, 2)).Append(" = new(StringComparer.Ordinal);\n\n");
            var methods = 2 + random.Next(5);
            for (var m = 0; m < methods; m++)
            {
                var name = Pascal(random, 2);
                var parameter = Camel(random, 1);
                text.Append("    // ").Append(Sentence(random, 10)).Append('\n');
                text.Append("    public async Task<int> ").Append(name).Append("Async(string ").Append(parameter).Append(", CancellationToken cancellationToken = default)\n    {\n");
                text.Append("        ArgumentNullException.ThrowIfNull(").Append(parameter).Append(");\n");
                var statements = 2 + random.Next(7);
                for (var s = 0; s < statements; s++)
                {
                    var local = Camel(random, 2);
                    switch (random.Next(4))
                    {
                        case 0:
                            text.Append("        var ").Append(local).Append(" = await ").Append(Pascal(random, 2)).Append("Async(").Append(parameter).Append(", cancellationToken).ConfigureAwait(false);\n");
                            break;
                        case 1:
                            text.Append("        if (").Append(parameter).Append(".Length > ").Append(random.Next(4096)).Append(")\n        {\n            throw new InvalidOperationException($\"")
                                .Append(Sentence(random, 6)).Append(": {").Append(parameter).Append("}\");\n        }\n");
                            break;
                        case 2:
                            text.Append("        for (var i = 0; i < ").Append(random.Next(100)).Append("; i++)\n        {\n            _").Append(Camel(random, 1)).Append("[$\"{i}\"] = i * ")
                                .Append(random.Next(64)).Append(";\n        }\n");
                            break;
                        default:
                            text.Append("        int ").Append(local).Append(" = ").Append(parameter).Append(".IndexOf('").Append((char)('a' + random.Next(26))).Append("') + 0x").Append(random.Next(65536).ToString("X4", System.Globalization.CultureInfo.InvariantCulture)).Append(";\n");
                            break;
                    }
                }

                text.Append("        return ").Append(random.Next(10)).Append(";\n    }\n\n");
            }

            text.Append("}\n\n");
        }

        return text.ToString();
    }

    private static string Word(SplitMix random)
    {
        if (random.Next(20) == 0)
        {
            var made = new StringBuilder();
            for (var i = 1 + random.Next(3); i >= 0; i--)
            {
                made.Append(Syllables[random.Next(Syllables.Length)]);
            }

            return made.ToString();
        }

        return Words[Skewed(random, Words.Length)];
    }

    private static string Number(SplitMix random) => random.Next(4) switch
    {
        0 => (1900 + random.Next(130)).ToString(System.Globalization.CultureInfo.InvariantCulture),
        1 => random.Next(100).ToString(System.Globalization.CultureInfo.InvariantCulture) + "%",
        2 => random.Next(10) + "." + random.Next(100).ToString("D2", System.Globalization.CultureInfo.InvariantCulture),
        _ => random.Next(1_000_000).ToString("N0", System.Globalization.CultureInfo.InvariantCulture),
    };

    private static string Sentence(SplitMix random, int words) =>
        string.Join(' ', Enumerable.Range(0, 1 + random.Next(words)).Select(_ => Word(random)));

    private static string Pascal(SplitMix random, int parts) =>
        string.Concat(Enumerable.Range(0, 1 + random.Next(parts)).Select(_ => Capitalize(Word(random).Replace("'", string.Empty, StringComparison.Ordinal))));

    private static string Camel(SplitMix random, int parts)
    {
        var pascal = Pascal(random, parts);
        return char.ToLowerInvariant(pascal[0]) + pascal[1..];
    }

    private static string Capitalize(string word) => char.ToUpperInvariant(word[0]) + word[1..];

    /// <summary>An index skewed towards the start of the list (common words first), roughly Zipf-like.</summary>
    private static int Skewed(SplitMix random, int length) => (int)(length * Math.Pow(random.NextDouble(), 2.2));

    /// <summary>SplitMix64: a tiny generator whose sequence never depends on the runtime version.</summary>
    private sealed class SplitMix(ulong seed)
    {
        private ulong _state = seed;

        public int Next(int exclusiveMax) => (int)(NextULong() % (ulong)exclusiveMax);

        public double NextDouble() => (NextULong() >> 11) * (1.0 / (1UL << 53));

        private ulong NextULong()
        {
            var z = _state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }
}
