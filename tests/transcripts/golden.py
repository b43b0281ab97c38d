"""Golden outputs: every fixture's exact messages (git-ai serde form) and model.

Derived from the rules in docs/transcripts.md (git-ai's legacy readers, semantics doc 4.4)
and checked by hand for the small files; thinking blocks are assistant messages (the
default, legacy mode). None of these files contains a secret, so redaction changes nothing.
"""

from __future__ import annotations

from typing import Any

GOLDEN: dict[str, tuple[str, str | None, list[dict[str, Any]]]] = {
    "claude-code-with-plan.jsonl": (
        "claude",
        "claude-sonnet-4-20250514",
        [
            {
                "type": "user",
                "text": "Help me implement user authentication",
                "timestamp": "2025-12-20T10:00:00.000Z",
            },
            {
                "type": "assistant",
                "text": "I'll create a plan for implementing user authentication.",
                "timestamp": "2025-12-20T10:00:01.000Z",
            },
            {
                "type": "plan",
                "text": "# Authentication Implementation Plan\n"
                "\n"
                "## Phase 1: Database Schema\n"
                "- Add users table with email, password_hash columns\n"
                "- Add sessions table for token management\n"
                "\n"
                "## Phase 2: API Endpoints\n"
                "- POST /auth/register\n"
                "- POST /auth/login\n"
                "- POST /auth/logout\n"
                "\n"
                "## Phase 3: Middleware\n"
                "- JWT token validation middleware\n"
                "- Rate limiting on auth endpoints",
                "timestamp": "2025-12-20T10:00:02.000Z",
            },
            {
                "type": "assistant",
                "text": "Now let me update the plan with more detail on the database schema.",
                "timestamp": "2025-12-20T10:00:04.000Z",
            },
            {
                "type": "plan",
                "text": "# Authentication Implementation Plan\n"
                "\n"
                "## Phase 1: Database Schema\n"
                "- Add users table with id (UUID), email (unique), password_hash, "
                "created_at, updated_at columns\n"
                "- Add index on email for fast lookups\n"
                "- Add sessions table for token management\n"
                "\n"
                "## Phase 2: API Endpoints\n"
                "- POST /auth/register\n"
                "- POST /auth/login\n"
                "- POST /auth/logout\n"
                "\n"
                "## Phase 3: Middleware\n"
                "- JWT token validation middleware\n"
                "- Rate limiting on auth endpoints",
                "timestamp": "2025-12-20T10:00:05.000Z",
            },
            {
                "type": "tool_use",
                "name": "Edit",
                "input": {
                    "file_path": "/Users/dev/myproject/src/main.rs",
                    "old_string": "fn main() {}",
                    "new_string": 'fn main() {\n    println!("Starting auth server");\n}',
                },
                "timestamp": "2025-12-20T10:00:07.000Z",
            },
            {
                "type": "assistant",
                "text": "I've created the plan and started implementing. The authentication "
                "system is ready.",
                "timestamp": "2025-12-20T10:00:08.000Z",
            },
        ],
    ),
    "claude-code-with-thinking.jsonl": (
        "claude",
        "claude-sonnet-4-5-20250929",
        [
            {
                "type": "user",
                "text": "add another hello world console log to @index.ts ",
                "timestamp": "2025-12-16T00:35:39.299Z",
            },
            {
                "type": "assistant",
                "text": 'The user wants me to add another "hello world" console log to the '
                "index.ts file. I can see the file has already been read, and it "
                'contains several "hello world" console.log statements at the end.\n'
                "\n"
                "This is a simple, straightforward task - just adding one more "
                "console.log line. I don't need to use the TodoWrite tool for such "
                "a trivial task (the guidance says to skip the todo list for "
                "single, straightforward tasks that can be completed in less than 3 "
                "trivial steps).\n"
                "\n"
                "I should use the Edit tool to add another console.log('hello "
                "world') statement. I'll add it at the end of the file after the "
                "existing hello world logs.\n"
                "\n"
                "Looking at the file:\n"
                "- Lines 16-20 all have console.log('hello world')\n"
                "- I should add another one after line 20\n"
                "\n"
                "I'll use the Edit tool to add a new line.",
                "timestamp": "2025-12-16T00:35:45.073Z",
            },
            {
                "type": "assistant",
                "text": "I'll add another hello world console log to the file.",
                "timestamp": "2025-12-16T00:35:45.408Z",
            },
            {
                "type": "tool_use",
                "name": "Edit",
                "input": {
                    "file_path": "/Users/svarlamov/projects/testing-git-2/index.ts",
                    "old_string": "console.log('hello world');\n"
                    "console.log('hello world');\n"
                    "console.log('hello world');\n"
                    "console.log('hello world');\n"
                    "console.log('hello world');",
                    "new_string": "console.log('hello world');\n"
                    "console.log('hello world');\n"
                    "console.log('hello world');\n"
                    "console.log('hello world');\n"
                    "console.log('hello world');\n"
                    "console.log('hello world');",
                },
                "timestamp": "2025-12-16T00:35:47.087Z",
            },
            {
                "type": "assistant",
                "text": "Great! I successfully added another console.log('hello world') "
                "statement. The file now has 6 consecutive hello world logs (lines "
                "16-21) instead of 5. The task is complete.",
                "timestamp": "2025-12-16T00:35:54.559Z",
            },
            {
                "type": "assistant",
                "text": "Done! I've added another `console.log('hello world')` statement at "
                "index.ts:21.",
                "timestamp": "2025-12-16T00:35:54.952Z",
            },
        ],
    ),
    "claude-model-not-last.jsonl": (
        "claude",
        "claude-opus-4-6",
        [
            {
                "type": "user",
                "text": "Write a hello world function",
                "timestamp": "2026-04-19T18:05:00.000Z",
            },
            {
                "type": "assistant",
                "text": "Here is a hello world function.",
                "timestamp": "2026-04-19T18:05:01.000Z",
            },
        ],
    ),
    "codex-session-simple.jsonl": (
        "codex",
        "gpt-5-codex",
        [
            {
                "type": "user",
                "text": "Refactor src/main.rs to add a greeting function.",
                "timestamp": "2026-02-11T05:53:33.360Z",
            },
            {
                "type": "tool_use",
                "name": "apply_patch",
                "input": {
                    "patch": "*** Begin Patch\n"
                    "*** Update File: src/main.rs\n"
                    "@@\n"
                    "-fn main() {}\n"
                    '+fn greet() { println!("hello"); }\n'
                    "+fn main() { greet(); }\n"
                    "*** End Patch"
                },
                "timestamp": "2026-02-11T05:53:33.420Z",
            },
            {
                "type": "assistant",
                "text": "Done. I added `greet()` and wired it into `main()`.",
                "timestamp": "2026-02-11T05:53:33.520Z",
            },
        ],
    ),
    "codex-session-updated.jsonl": (
        "codex",
        "gpt-5.1-codex",
        [
            {
                "type": "user",
                "text": "Refactor src/main.rs to add a greeting function and tests.",
                "timestamp": "2026-02-11T05:53:33.360Z",
            },
            {
                "type": "tool_use",
                "name": "apply_patch",
                "input": {
                    "patch": "*** Begin Patch\n"
                    "*** Update File: src/main.rs\n"
                    "@@\n"
                    "-fn main() {}\n"
                    '+fn greet() { println!("hello"); }\n'
                    "+fn main() { greet(); }\n"
                    "*** End Patch"
                },
                "timestamp": "2026-02-11T05:53:33.420Z",
            },
            {
                "type": "tool_use",
                "name": "shell_command",
                "input": {"command": "cargo test", "workdir": "/Users/test/projects/git-ai"},
                "timestamp": "2026-02-11T05:53:33.520Z",
            },
            {
                "type": "assistant",
                "text": "Implemented the refactor and verified tests pass.",
                "timestamp": "2026-02-11T05:53:33.620Z",
            },
        ],
    ),
    "droid-session.jsonl": (
        "droid",
        "custom:BYOK-GPT-5-MINI-0",
        [
            {
                "type": "user",
                "text": 'Update the first comment in @index.ts to "DROID3"',
                "timestamp": "2026-01-28T16:57:01.391Z",
            },
            {
                "type": "user",
                "text": "Contents of /Users/testuser/projects/testing-git/index.ts (lines "
                "1-25 of 25):\n"
                "// DROID2\n"
                "console.log('Hello');\n",
                "timestamp": "2026-01-28T16:57:01.391Z",
            },
            {
                "type": "tool_use",
                "name": "Read",
                "input": {"file_path": "/Users/testuser/projects/testing-git/index.ts"},
                "timestamp": "2026-01-28T16:57:15.899Z",
            },
            {
                "type": "tool_use",
                "name": "TodoWrite",
                "input": {"todos": '1. [in_progress] Update first comment in index.ts to "DROID3"'},
                "timestamp": "2026-01-28T16:57:15.899Z",
            },
            {
                "type": "tool_use",
                "name": "ApplyPatch",
                "input": {
                    "input": "*** Begin Patch\n"
                    "*** Update File: "
                    "/Users/testuser/projects/testing-git/index.ts\n"
                    "@@\n"
                    "-// DROID2\n"
                    "+// DROID3\n"
                    " console.log('Hello');\n"
                    "*** End Patch"
                },
                "timestamp": "2026-01-28T16:57:21.992Z",
            },
            {
                "type": "tool_use",
                "name": "Read",
                "input": {
                    "file_path": "/Users/testuser/projects/testing-git/index.ts",
                    "offset": 0,
                },
                "timestamp": "2026-01-28T16:57:23.421Z",
            },
            {
                "type": "tool_use",
                "name": "TodoWrite",
                "input": {"todos": '1. [completed] Update first comment in index.ts to "DROID3"'},
                "timestamp": "2026-01-28T16:57:26.907Z",
            },
            {
                "type": "assistant",
                "text": "# Update complete\n"
                "\n"
                'I updated the first line in index.ts from "// DROID2" to "// '
                'DROID3".\n'
                "\n"
                "Summary:\n"
                "- File edited: /Users/testuser/projects/testing-git/index.ts\n"
                '- Change made: First comment updated to "DROID3"',
                "timestamp": "2026-01-28T16:57:29.003Z",
            },
        ],
    ),
    "example-claude-code.jsonl": (
        "claude",
        "claude-sonnet-4-20250514",
        [
            {
                "type": "user",
                "text": "Make the colors green and yellow",
                "timestamp": "2025-09-11T13:28:05.638Z",
            },
            {
                "type": "assistant",
                "text": "I need to understand what colors you want to change from what to "
                "green and yellow. Let me first explore the codebase to see what "
                "might have colors that could be changed.",
                "timestamp": "2025-09-11T13:28:09.380Z",
            },
            {
                "type": "tool_use",
                "name": "Glob",
                "input": {"pattern": "**/*.css"},
                "timestamp": "2025-09-11T13:28:09.420Z",
            },
            {
                "type": "tool_use",
                "name": "Glob",
                "input": {"pattern": "**/*.{tsx,jsx,ts,js}"},
                "timestamp": "2025-09-11T13:28:12.130Z",
            },
            {
                "type": "assistant",
                "text": "Let me look for the main source files and understand the project "
                "structure:",
                "timestamp": "2025-09-11T13:28:16.445Z",
            },
            {
                "type": "tool_use",
                "name": "Read",
                "input": {"file_path": "/Users/aidancunniffe/Desktop/ghq/src/app/globals.css"},
                "timestamp": "2025-09-11T13:28:16.776Z",
            },
            {
                "type": "assistant",
                "text": "I can see this appears to be a game project with blue and red "
                "colors currently defined. The CSS shows blue (`#7cb7ff`) and red "
                "(`#ff7c7c`) variables, and there are stripe patterns using red and "
                "blue colors. \n"
                "\n"
                "Could you be more specific about which colors you want to change "
                "to green and yellow? Are you referring to:\n"
                "\n"
                "1. The main blue and red theme colors (lines 6-7)?\n"
                "2. The striped backgrounds (lines 36-76)?\n"
                "3. The target square color (line 93)?\n"
                "4. Something else?\n"
                "\n"
                "Let me also check what this project is to better understand the "
                "context:",
                "timestamp": "2025-09-11T13:28:27.218Z",
            },
            {
                "type": "tool_use",
                "name": "Read",
                "input": {"file_path": "/Users/aidancunniffe/Desktop/ghq/package.json"},
                "timestamp": "2025-09-11T13:28:28.057Z",
            },
            {
                "type": "assistant",
                "text": 'This appears to be a board game project ("ghq") that uses '
                "boardgame.io and currently has a red and blue color scheme. \n"
                "\n"
                "Since you want to change colors to green and yellow, I'll assume "
                "you want to change the main theme colors. Let me update the CSS to "
                "use green and yellow instead of blue and red:",
                "timestamp": "2025-09-11T13:28:31.976Z",
            },
            {
                "type": "tool_use",
                "name": "Edit",
                "input": {
                    "file_path": "/Users/aidancunniffe/Desktop/ghq/src/app/globals.css",
                    "old_string": ":root {\n  --blue: #7cb7ff;\n  --red: #ff7c7c;\n}",
                    "new_string": ":root {\n"
                    "  --blue: #7cb7ff;\n"
                    "  --red: #ff7c7c;\n"
                    "  --green: #7cff7c;\n"
                    "  --yellow: #ffff7c;\n"
                    "}",
                },
                "timestamp": "2025-09-11T13:28:33.413Z",
            },
            {
                "type": "assistant",
                "text": "Now let me update the striped patterns to use green and yellow "
                "instead of red and blue:",
                "timestamp": "2025-09-11T13:28:44.741Z",
            },
            {
                "type": "tool_use",
                "name": "MultiEdit",
                "input": {
                    "file_path": "/Users/aidancunniffe/Desktop/ghq/src/app/globals.css",
                    "edits": [
                        {
                            "old_string": "/* Red and Blue striped background with "
                            "wider stripes */\n"
                            ".stripe-red-blue {\n"
                            "  background: "
                            "repeating-linear-gradient(\n"
                            "    45deg,\n"
                            "    /* Diagonal stripes */ rgb(248, "
                            "208, 208),\n"
                            "    /* Start with red */ rgb(248, 208, "
                            "208) 20px,\n"
                            "    /* Wider red stripe width */ "
                            "rgb(191, 219, 254) 20px,\n"
                            "    /* Start of blue */ rgb(191, 219, "
                            "254) 40px /* Wider blue stripe width "
                            "*/\n"
                            "  );\n"
                            "}",
                            "new_string": "/* Green and Yellow striped background "
                            "with wider stripes */\n"
                            ".stripe-green-yellow {\n"
                            "  background: "
                            "repeating-linear-gradient(\n"
                            "    45deg,\n"
                            "    /* Diagonal stripes */ rgb(208, "
                            "248, 208),\n"
                            "    /* Start with green */ rgb(208, "
                            "248, 208) 20px,\n"
                            "    /* Wider green stripe width */ "
                            "rgb(254, 254, 191) 20px,\n"
                            "    /* Start of yellow */ rgb(254, 254, "
                            "191) 40px /* Wider yellow stripe width "
                            "*/\n"
                            "  );\n"
                            "}",
                        },
                        {
                            "old_string": "/* Red and Transparent striped "
                            "background with wider stripes */\n"
                            ".stripe-red-transparent {\n"
                            "  background: "
                            "repeating-linear-gradient(\n"
                            "    45deg,\n"
                            "    /* Diagonal stripes */ rgb(248, "
                            "208, 208),\n"
                            "    /* Start with red */ rgb(248, 208, "
                            "208) 20px,\n"
                            "    /* Wider red stripe width */ white "
                            "20px,\n"
                            "    /* Start of transparent */ white "
                            "40px /* Wider transparent stripe width "
                            "*/\n"
                            "  );\n"
                            "}",
                            "new_string": "/* Green and Transparent striped "
                            "background with wider stripes */\n"
                            ".stripe-green-transparent {\n"
                            "  background: "
                            "repeating-linear-gradient(\n"
                            "    45deg,\n"
                            "    /* Diagonal stripes */ rgb(208, "
                            "248, 208),\n"
                            "    /* Start with green */ rgb(208, "
                            "248, 208) 20px,\n"
                            "    /* Wider green stripe width */ "
                            "white 20px,\n"
                            "    /* Start of transparent */ white "
                            "40px /* Wider transparent stripe width "
                            "*/\n"
                            "  );\n"
                            "}",
                        },
                        {
                            "old_string": "/* Blue and Transparent striped "
                            "background with wider stripes */\n"
                            ".stripe-blue-transparent {\n"
                            "  background: "
                            "repeating-linear-gradient(\n"
                            "    45deg,\n"
                            "    /* Diagonal stripes */ rgb(191, "
                            "219, 254),\n"
                            "    /* Start with blue */ rgb(191, 219, "
                            "254) 20px,\n"
                            "    /* Wider blue stripe width */ white "
                            "20px,\n"
                            "    /* Start of transparent */ white "
                            "40px /* Wider transparent stripe width "
                            "*/\n"
                            "  );\n"
                            "}",
                            "new_string": "/* Yellow and Transparent striped "
                            "background with wider stripes */\n"
                            ".stripe-yellow-transparent {\n"
                            "  background: "
                            "repeating-linear-gradient(\n"
                            "    45deg,\n"
                            "    /* Diagonal stripes */ rgb(254, "
                            "254, 191),\n"
                            "    /* Start with yellow */ rgb(254, "
                            "254, 191) 20px,\n"
                            "    /* Wider yellow stripe width */ "
                            "white 20px,\n"
                            "    /* Start of transparent */ white "
                            "40px /* Wider transparent stripe width "
                            "*/\n"
                            "  );\n"
                            "}",
                        },
                        {
                            "old_string": ".stripe-blue-transparent-sm {\n"
                            "  background: "
                            "repeating-linear-gradient(\n"
                            "    45deg,\n"
                            "    /* Diagonal stripes */ rgb(191, "
                            "219, 254),\n"
                            "    /* Start with blue */ rgb(191, 219, "
                            "254) 6px,\n"
                            "    /* Wider blue stripe width */ white "
                            "6px,\n"
                            "    /* Start of transparent */ white "
                            "12px /* Wider transparent stripe width "
                            "*/\n"
                            "  );\n"
                            "}",
                            "new_string": ".stripe-yellow-transparent-sm {\n"
                            "  background: "
                            "repeating-linear-gradient(\n"
                            "    45deg,\n"
                            "    /* Diagonal stripes */ rgb(254, "
                            "254, 191),\n"
                            "    /* Start with yellow */ rgb(254, "
                            "254, 191) 6px,\n"
                            "    /* Wider yellow stripe width */ "
                            "white 6px,\n"
                            "    /* Start of transparent */ white "
                            "12px /* Wider transparent stripe width "
                            "*/\n"
                            "  );\n"
                            "}",
                        },
                        {
                            "old_string": "  color: #da5f73; /* Color of the Unicode character */",
                            "new_string": "  color: #73da5f; /* Color of the Unicode character */",
                        },
                    ],
                },
                "timestamp": "2025-09-11T13:28:54.921Z",
            },
            {
                "type": "assistant",
                "text": "Now I understand - you want to change the player colors from "
                "red/blue to green/yellow. Let me also search for where these "
                "player colors are used in the codebase so I can update all "
                "references:",
                "timestamp": "2025-09-11T13:29:02.627Z",
            },
            {
                "type": "tool_use",
                "name": "Grep",
                "input": {"pattern": "--red|--blue", "output_mode": "content"},
                "timestamp": "2025-09-11T13:29:02.998Z",
            },
            {
                "type": "tool_use",
                "name": "Grep",
                "input": {"pattern": "stripe.*(?:red|blue)", "output_mode": "content"},
                "timestamp": "2025-09-11T13:29:08.707Z",
            },
            {
                "type": "assistant",
                "text": "Perfect! Now I need to update the CSS variable references and "
                "class names. Let me create a todo list and systematically update "
                "all the player color references:",
                "timestamp": "2025-09-11T13:29:12.358Z",
            },
            {
                "type": "tool_use",
                "name": "TodoWrite",
                "input": {
                    "todos": [
                        {
                            "content": "Update CSS variables to use green and "
                            "yellow for player colors",
                            "status": "completed",
                            "activeForm": "Updating CSS variables to use green and yellow",
                        },
                        {
                            "content": "Update HistoryLog.tsx to use new player colors",
                            "status": "in_progress",
                            "activeForm": "Updating HistoryLog.tsx to use new player colors",
                        },
                        {
                            "content": "Update EvalBar.tsx to use new player colors",
                            "status": "pending",
                            "activeForm": "Updating EvalBar.tsx to use new player colors",
                        },
                        {
                            "content": "Update Square.tsx to use new stripe class names",
                            "status": "pending",
                            "activeForm": "Updating Square.tsx to use new stripe class names",
                        },
                        {
                            "content": "Update board.tsx to use new stripe class names",
                            "status": "pending",
                            "activeForm": "Updating board.tsx to use new stripe class names",
                        },
                        {
                            "content": "Update LearnBasics.tsx to use new stripe class names",
                            "status": "pending",
                            "activeForm": "Updating LearnBasics.tsx to use new stripe class names",
                        },
                    ]
                },
                "timestamp": "2025-09-11T13:29:15.141Z",
            },
            {
                "type": "assistant",
                "text": "Now let me update the HistoryLog.tsx to use the new green and "
                "yellow colors:",
                "timestamp": "2025-09-11T13:29:18.500Z",
            },
            {
                "type": "tool_use",
                "name": "Read",
                "input": {"file_path": "/Users/aidancunniffe/Desktop/ghq/src/game/HistoryLog.tsx"},
                "timestamp": "2025-09-11T13:29:18.822Z",
            },
            {
                "type": "assistant",
                "text": "Now I need to update the player color mapping. I can see that "
                '"RED" should map to green and "BLUE" should map to yellow. Let me '
                "update the PlayerIcon function:",
                "timestamp": "2025-09-11T13:29:22.802Z",
            },
            {
                "type": "tool_use",
                "name": "Edit",
                "input": {
                    "file_path": "/Users/aidancunniffe/Desktop/ghq/src/game/HistoryLog.tsx",
                    "old_string": "function PlayerIcon({ player }: { player: Player "
                    "}): ReactNode {\n"
                    "  return (\n"
                    "    <User\n"
                    '      className="w-4 h-4 inline-block"\n'
                    "      style={{\n"
                    '        color: player === "RED" ? "var(--red)" : '
                    '"var(--blue)",\n'
                    '        fill: player === "RED" ? "var(--red)" : '
                    '"var(--blue)",\n'
                    "      }}\n"
                    "    />\n"
                    "  );\n"
                    "}",
                    "new_string": "function PlayerIcon({ player }: { player: Player "
                    "}): ReactNode {\n"
                    "  return (\n"
                    "    <User\n"
                    '      className="w-4 h-4 inline-block"\n'
                    "      style={{\n"
                    '        color: player === "RED" ? "var(--green)" : '
                    '"var(--yellow)",\n'
                    '        fill: player === "RED" ? "var(--green)" : '
                    '"var(--yellow)",\n'
                    "      }}\n"
                    "    />\n"
                    "  );\n"
                    "}",
                },
                "timestamp": "2025-09-11T13:29:25.369Z",
            },
            {
                "type": "tool_use",
                "name": "TodoWrite",
                "input": {
                    "todos": [
                        {
                            "content": "Update CSS variables to use green and "
                            "yellow for player colors",
                            "status": "completed",
                            "activeForm": "Updating CSS variables to use green and yellow",
                        },
                        {
                            "content": "Update HistoryLog.tsx to use new player colors",
                            "status": "completed",
                            "activeForm": "Updating HistoryLog.tsx to use new player colors",
                        },
                        {
                            "content": "Update EvalBar.tsx to use new player colors",
                            "status": "in_progress",
                            "activeForm": "Updating EvalBar.tsx to use new player colors",
                        },
                        {
                            "content": "Update Square.tsx to use new stripe class names",
                            "status": "pending",
                            "activeForm": "Updating Square.tsx to use new stripe class names",
                        },
                        {
                            "content": "Update board.tsx to use new stripe class names",
                            "status": "pending",
                            "activeForm": "Updating board.tsx to use new stripe class names",
                        },
                        {
                            "content": "Update LearnBasics.tsx to use new stripe class names",
                            "status": "pending",
                            "activeForm": "Updating LearnBasics.tsx to use new stripe class names",
                        },
                    ]
                },
                "timestamp": "2025-09-11T13:29:35.007Z",
            },
            {
                "type": "assistant",
                "text": "Now let me update the EvalBar.tsx:",
                "timestamp": "2025-09-11T13:29:38.574Z",
            },
            {
                "type": "tool_use",
                "name": "Read",
                "input": {"file_path": "/Users/aidancunniffe/Desktop/ghq/src/game/EvalBar.tsx"},
                "timestamp": "2025-09-11T13:29:39.092Z",
            },
            {
                "type": "user",
                "text": "[Request interrupted by user]",
                "timestamp": "2025-09-11T13:29:40.096Z",
            },
        ],
    ),
}
