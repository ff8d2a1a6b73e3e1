using System.Globalization;
using Reversal.Training.Randomness;

namespace Reversal.ReverseModelling.Corpus;

/// <summary>Templated one- and two-step arithmetic word problems with worked solutions, GSM8K-like in form.</summary>
internal static class ArithmeticStories
{
    private static readonly string[] Names = ["Ava", "Liam", "Noah", "Mia", "Ethan", "Zoe", "Omar", "Lena", "Ravi", "Iris", "Jonas", "Maya"];
    private static readonly string[] Items = ["apples", "stickers", "books", "marbles", "pencils", "cookies", "stamps", "shells", "coins", "cards"];
    private static readonly string[] Places = ["the market", "school", "the fair", "a shop", "the library", "the park"];

    /// <summary><paramref name="count"/> (question, solution) pairs.</summary>
    public static List<(string Question, string Solution)> Generate(int count, SeededRandom random)
    {
        var stories = new List<(string, string)>(count);
        for (int i = 0; i < count; i++)
        {
            string name = random.Pick(Names), friend = random.Pick(Names), item = random.Pick(Items), place = random.Pick(Places);
            int a = 3 + random.NextInt(40), b = 2 + random.NextInt(30), c = 2 + random.NextInt(6);
            stories.Add((random.NextInt(4)) switch
            {
                0 => ($"{name} has {a} {item}. At {place}, {name} gets {b} more {item}. How many {item} does {name} have now?",
                      $"{name} starts with {a} {item} and gets {b} more, so {name} has {a} + {b} = {a + b} {item}. The answer is {a + b}."),
                1 => ($"{name} has {a + b} {item} and gives {b} of them to {friend}. How many {item} does {name} keep?",
                      $"{name} gives away {b} of {a + b} {item}, so {name} keeps {a + b} - {b} = {a} {item}. The answer is {a}."),
                2 => ($"{name} buys {c} bags of {item} at {place}. Each bag holds {a} {item}. How many {item} does {name} buy in all?",
                      $"There are {c} bags with {a} {item} each, so {name} buys {c} x {a} = {c * a} {item}. The answer is {c * a}."),
                _ => ($"{name} has {a} {item} and {friend} has {c} times as many. They share {b} with a friend at {place}. How many {item} does {friend} have left?",
                      $"{friend} has {c} x {a} = {c * a} {item}. After sharing {b}, {friend} has {c * a} - {b} = {(c * a - b).ToString(CultureInfo.InvariantCulture)} left. The answer is {c * a - b}."),
            });
        }
        return stories;
    }
}
