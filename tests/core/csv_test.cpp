#include "core/csv.hpp"

#include <gtest/gtest.h>

using boucle::core::parse_csv;

TEST(Csv, CommaWithHeaderAndCrlf) {
  auto doc = parse_csv("Code,Name,Lat\r\nA1,Shop one,45.1\r\nA2,\"Shop, two\",45.2\r\n");
  EXPECT_EQ(doc.delimiter, ',');
  ASSERT_EQ(doc.header, (std::vector<std::string>{"code", "name", "lat"}));
  ASSERT_EQ(doc.rows.size(), 2u);
  EXPECT_EQ(doc.rows[1].fields[1], "Shop, two");
  EXPECT_EQ(doc.rows[0].line, 2);
  EXPECT_EQ(doc.rows[1].line, 3);
  EXPECT_TRUE(doc.errors.empty());
}

TEST(Csv, SemicolonDetectedAndBomStripped) {
  auto doc = parse_csv("\xEF\xBB\xBF" "code;name\nX;\"Épicerie \"\"du\"\" coin\"\n");
  EXPECT_EQ(doc.delimiter, ';');
  ASSERT_EQ(doc.header.front(), "code");
  ASSERT_EQ(doc.rows.size(), 1u);
  EXPECT_EQ(doc.rows[0].fields[1], "Épicerie \"du\" coin");
}

TEST(Csv, QuotedNewlinesEscapedQuotesAndLineNumbers) {
  auto doc = parse_csv("a,b\n\"multi\nline\",\"say \"\"hi\"\"\"\n\nx,y\n");
  ASSERT_EQ(doc.rows.size(), 2u);
  EXPECT_EQ(doc.rows[0].fields[0], "multi\nline");
  EXPECT_EQ(doc.rows[0].fields[1], "say \"hi\"");
  EXPECT_EQ(doc.rows[1].line, 5);  // the blank line 4 is skipped, numbering is physical
}

TEST(Csv, BadRowsReportedWithTheirLineOthersKept) {
  auto doc = parse_csv("a,b\n1,2\n3\n4,5,6\nab\"c,d\n7,8");
  ASSERT_EQ(doc.errors.size(), 3u);
  EXPECT_EQ(doc.errors[0].line, 3);
  EXPECT_EQ(doc.errors[1].line, 4);
  EXPECT_EQ(doc.errors[2].line, 5);
  ASSERT_EQ(doc.rows.size(), 2u);
  EXPECT_EQ(doc.rows[1].fields[1], "8");
}

TEST(Csv, UnterminatedQuoteAndInvalidUtf8) {
  auto doc = parse_csv("a,b\n\"open,2\n");
  ASSERT_EQ(doc.errors.size(), 1u);
  EXPECT_EQ(doc.errors[0].line, 2);
  auto bad = parse_csv("a,b\n\xC3\x28,2\n");
  ASSERT_EQ(bad.errors.size(), 1u);
  EXPECT_NE(bad.errors[0].message.find("UTF-8"), std::string::npos);
}

TEST(Csv, EmptyInputHasNoHeader) {
  auto doc = parse_csv("");
  EXPECT_TRUE(doc.header.empty());
  EXPECT_TRUE(doc.rows.empty());
}
