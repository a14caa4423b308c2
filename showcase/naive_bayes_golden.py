"""The naive Bayes golden of test/showcase.test.ts: scikit-learn's MultinomialNB (add-one smoothing, class priors from
the training counts) over word counts, on a hand-made set with close decisions. Run with /usr/bin/python3."""
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.naive_bayes import MultinomialNB

TRAIN = [("win money now", "spam"), ("cheap money offer", "spam"), ("offer ends now win", "spam"),
         ("meeting notes attached", "ham"), ("lunch money tomorrow", "ham"), ("notes from the meeting now", "ham"),
         ("see you at lunch", "ham"), ("the offer for the house", "ham")]
TEST = ["money now", "meeting money", "win lunch", "the offer", "cheap notes", "offer now offer", "unknownword",
        "lunch offer win"]

# Words as the showcase's bagOfWords reads them: runs of letters and digits (unknown test words are ignored by both).
vectorizer = CountVectorizer(token_pattern=r"(?u)[^\W_]+")
model = MultinomialNB(alpha=1.0).fit(vectorizer.fit_transform([t for t, _ in TRAIN]), [label for _, label in TRAIN])
print(list(model.predict(vectorizer.transform(TEST))))
